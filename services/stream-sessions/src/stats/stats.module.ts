import { Module } from '@nestjs/common';
import { AudienceConsumer } from './audience.consumer.js';
import { StatsPublisher } from './stats-publisher.js';

@Module({ controllers: [AudienceConsumer], providers: [StatsPublisher] })
export class StatsModule {}
