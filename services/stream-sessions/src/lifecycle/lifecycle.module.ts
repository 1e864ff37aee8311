import { Module } from '@nestjs/common';
import { BroadcastsModule } from '../broadcasts/broadcasts.module.js';
import { RelayTreeModule } from '../relay-tree/relay-tree.module.js';
import { AutoEndSweeper } from './auto-end.sweeper.js';
import { PublisherConsumer } from './publisher.consumer.js';

@Module({ imports: [BroadcastsModule, RelayTreeModule], controllers: [PublisherConsumer], providers: [AutoEndSweeper] })
export class LifecycleModule {}
