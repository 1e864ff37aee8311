import { Module } from '@nestjs/common';
import { WebClient } from './web-client.js';

@Module({ providers: [WebClient], exports: [WebClient] })
export class WebClientModule {}
