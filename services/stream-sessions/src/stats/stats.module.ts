import { Module } from '@nestjs/common';
import { AudienceConsumer } from './audience.consumer.js';
import { HeartsConsumer } from './hearts.consumer.js';
import { StatsPublisher } from './stats-publisher.js';

@Module({ controllers: [AudienceConsumer, HeartsConsumer], providers: [StatsPublisher] })
export class StatsModule {}
