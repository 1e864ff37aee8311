import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module.js';
import { SuspensionEventsConsumer } from './suspension-events.consumer.js';

@Module({ imports: [SessionsModule], controllers: [SuspensionEventsConsumer] })
export class SuspensionsModule {}
