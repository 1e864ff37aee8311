import { Module } from '@nestjs/common';
import { BroadcastsModule } from '../broadcasts/broadcasts.module.js';
import { ReplaysModule } from '../replays/replays.module.js';
import { TakedownConsumer } from './takedown.consumer.js';

@Module({ imports: [BroadcastsModule, ReplaysModule], controllers: [TakedownConsumer] })
export class TakedownsModule {}
