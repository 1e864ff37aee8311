import { Module } from '@nestjs/common';
import { EdgeProxy } from './edge-proxy.js';

@Module({ providers: [EdgeProxy], exports: [EdgeProxy] })
export class ProxyModule {}
