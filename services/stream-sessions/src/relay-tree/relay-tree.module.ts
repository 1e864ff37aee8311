import { Module } from '@nestjs/common';
import { RelayTree } from './relay-tree.js';

@Module({ providers: [RelayTree], exports: [RelayTree] })
export class RelayTreeModule {}
