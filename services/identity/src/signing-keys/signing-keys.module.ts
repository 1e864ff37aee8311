import { Global, Module } from '@nestjs/common';
import { JwksController } from './jwks.controller.js';
import { SigningKeys } from './signing-keys.service.js';

@Global()
@Module({ controllers: [JwksController], providers: [SigningKeys], exports: [SigningKeys] })
export class SigningKeysModule {}
