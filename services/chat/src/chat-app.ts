import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthModule, remoteKeys } from '@onair/auth';
import {
  AccountSuspendedEvent,
  AccountSuspensionLiftedEvent,
  BroadcastEndedEvent,
  BroadcastExpiredEvent,
  BroadcastWentLiveEvent,
  HeartsBurstEvent,
} from '@onair/contracts';
import { configureHttpApp } from '@onair/http';
import { connectKafkaConsumer, KafkaRuntime } from '@onair/kafka';
import { postgresReady } from '@onair/postgres';
import { JsonLogger } from '@onair/telemetry';
import type { Server } from 'node:http';
import { DataSource } from 'typeorm';
import { ChatRuntime } from './chat-runtime.js';
import { chatKafkaOptions, type ChatConfig } from './config.js';
import { HeartsTotalConsumer } from './hearts/hearts-total.consumer.js';
import { InfrastructureModule } from './infrastructure.module.js';
import { MEDIA_KEYS, ReplayController } from './replay/replay.controller.js';
import { BroadcastsConsumer } from './rooms/broadcasts.consumer.js';
import { SuspensionsConsumer } from './suspensions/suspensions.consumer.js';

@Module({})
class ChatModule {
  static forRoot(config: ChatConfig): DynamicModule {
    return {
      module: ChatModule,
      imports: [
        InfrastructureModule.forRoot(config),
        AuthModule.forRoot({ jwksUrl: config.auth.jwksUrl, revocations: { kafka: chatKafkaOptions(config), service: 'chat' } }),
      ],
      controllers: [ReplayController, BroadcastsConsumer, HeartsTotalConsumer, SuspensionsConsumer],
      providers: [ChatRuntime, { provide: MEDIA_KEYS, useValue: remoteKeys(config.mediaTicketJwksUrl) }],
    };
  }
}

/**
 * Builds chat: the socket (`/v1/chat/socket`, PROTOCOL.md) on the HTTP server's upgrade, the
 * replay API, and the consumers of the groups the pods share (rooms from stream-sessions' events,
 * heart totals, operators' account suspensions). Start with `startAllMicroservices()`, then `listen()`.
 */
export async function createChatApp(config: ChatConfig): Promise<INestApplication> {
  const app = await NestFactory.create(ChatModule.forRoot(config), {
    logger: new JsonLogger('chat', config.logLevel),
    bodyParser: false,
    abortOnError: false,
  });
  const dataSource = app.get(DataSource);
  const kafka = app.get(KafkaRuntime);
  const runtime = app.get(ChatRuntime);
  configureHttpApp(app, {
    serviceName: 'chat',
    version: '1',
    description: 'Live chat and hearts: a WebSocket per viewer at /v1/chat/socket (see PROTOCOL.md), and the chat of replays.',
    readiness: async () => ({ postgres: await postgresReady(dataSource), kafka: await kafka.ready(), publisher: await runtime.ready() }),
  });
  (app.getHttpServer() as Server).on('upgrade', runtime.socket.handleUpgrade);
  const options = chatKafkaOptions(config);
  connectKafkaConsumer(app, { kafka: options, groupId: 'chat.broadcasts', events: [BroadcastWentLiveEvent, BroadcastEndedEvent, BroadcastExpiredEvent], dataSource });
  connectKafkaConsumer(app, { kafka: options, groupId: 'chat.hearts', events: [HeartsBurstEvent], dataSource });
  connectKafkaConsumer(app, { kafka: options, groupId: 'chat.suspensions', events: [AccountSuspendedEvent, AccountSuspensionLiftedEvent], dataSource });
  return app;
}
