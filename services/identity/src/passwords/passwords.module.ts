import { Global, Module } from '@nestjs/common';
import { IDENTITY_CONFIG, type IdentityConfig } from '../config.js';
import { PasswordHasher } from './password-hasher.js';

@Global()
@Module({
  providers: [{ provide: PasswordHasher, useFactory: (c: IdentityConfig) => new PasswordHasher(c.auth.scryptLogN), inject: [IDENTITY_CONFIG] }],
  exports: [PasswordHasher],
})
export class PasswordsModule {}
