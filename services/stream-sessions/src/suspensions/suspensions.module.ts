import { Module } from '@nestjs/common';
import { TakedownsModule } from '../takedowns/takedowns.module.js';
import { SuspensionsConsumer } from './suspensions.consumer.js';

@Module({ imports: [TakedownsModule], controllers: [SuspensionsConsumer] })
export class SuspensionsModule {}
