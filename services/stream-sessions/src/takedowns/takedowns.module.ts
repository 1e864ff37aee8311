import { Module } from '@nestjs/common';
import { BroadcastsModule } from '../broadcasts/broadcasts.module.js';
import { ReplaysModule } from '../replays/replays.module.js';
import { BroadcastTakedown } from './broadcast-takedown.js';
import { TakedownConsumer } from './takedown.consumer.js';

@Module({ imports: [BroadcastsModule, ReplaysModule], controllers: [TakedownConsumer], providers: [BroadcastTakedown], exports: [BroadcastTakedown] })
export class TakedownsModule {}
