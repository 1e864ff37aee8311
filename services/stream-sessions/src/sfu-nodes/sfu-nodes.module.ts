import { Module } from '@nestjs/common';
import { NodeLoadConsumer } from './node-load.consumer.js';
import { SfuNodes } from './sfu-nodes.js';

@Module({ controllers: [NodeLoadConsumer], providers: [SfuNodes], exports: [SfuNodes] })
export class SfuNodesModule {}
