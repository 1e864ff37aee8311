import { Module } from '@nestjs/common';
import { BroadcastsModule } from '../broadcasts/broadcasts.module.js';
import { AutoEndSweeper } from './auto-end.sweeper.js';
import { PublisherConsumer } from './publisher.consumer.js';

@Module({ imports: [BroadcastsModule], controllers: [PublisherConsumer], providers: [AutoEndSweeper] })
export class LifecycleModule {}
