import { Module } from '@nestjs/common';
import { RelayTreeModule } from '../relay-tree/relay-tree.module.js';
import { NodeLoadConsumer } from './node-load.consumer.js';
import { SfuNodes } from './sfu-nodes.js';

@Module({ imports: [RelayTreeModule], controllers: [NodeLoadConsumer], providers: [SfuNodes], exports: [SfuNodes] })
export class SfuNodesModule {}
