import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthModule } from '@onair/auth';
import {
  AccountCreatedEvent,
  AccountDeletedEvent,
  AccountProfileUpdatedEvent,
  BroadcastEndedEvent,
  BroadcastExpiredEvent,
  BroadcastReplayReadyEvent,
  BroadcastWentLiveEvent,
  FollowCreatedEvent,
  GoLiveChunkEvent,
  NotificationsCreatedEvent,
  type NotificationsCreated,
} from '@onair/contracts';
import { configureHttpApp } from '@onair/http';
import { connectKafkaConsumer, EventBatchConsumer, KafkaRuntime } from '@onair/kafka';
import { postgresReady } from '@onair/postgres';
import { JsonLogger } from '@onair/telemetry';
import { DataSource } from 'typeorm';
import { AccountsConsumer } from './accounts/accounts.consumer.js';
import { NOTIFICATIONS_CONFIG, notificationsKafkaOptions, type NotificationsConfig } from './config.js';
import { GoLiveConsumer } from './fanout/go-live.consumer.js';
import { GoLiveDelivery } from './fanout/go-live-delivery.js';
import { FollowsConsumer } from './follows/follows.consumer.js';
import { InboxController } from './inbox/inbox.controller.js';
import { NotificationWriter } from './inbox/notification-writer.js';
import { InfrastructureModule } from './infrastructure.module.js';
import { LiveStreams } from './live-push/live-streams.js';
import { StreamController } from './live-push/stream.controller.js';
import { NotificationsRuntime } from './notifications-runtime.js';
import { PreferencesController } from './preferences/preferences.controller.js';
import { ReplaysConsumer } from './replays/replays.consumer.js';
import { TakedownsConsumer } from './takedowns/takedowns.consumer.js';
import { SubscriptionsController, VAPID_KEYS } from './web-push/subscriptions.controller.js';
import { loadVapidKeys, type VapidKeys } from './web-push/vapid-keys.js';
import { WebPushSender } from './web-push/web-push-sender.js';

@Module({})
class NotificationsModule {
  static forRoot(config: NotificationsConfig): DynamicModule {
    return {
      module: NotificationsModule,
      imports: [
        InfrastructureModule.forRoot(config),
        AuthModule.forRoot({ jwksUrl: config.auth.jwksUrl, revocations: { kafka: notificationsKafkaOptions(config), service: 'notifications' } }),
      ],
      controllers: [InboxController, StreamController, SubscriptionsController, PreferencesController, GoLiveConsumer, AccountsConsumer, FollowsConsumer, ReplaysConsumer, TakedownsConsumer],
      providers: [
        NotificationWriter,
        GoLiveDelivery,
        NotificationsRuntime,
        { provide: LiveStreams, inject: [NotificationsRuntime], useFactory: (runtime: NotificationsRuntime) => runtime.streams },
        { provide: VAPID_KEYS, inject: [DataSource, NOTIFICATIONS_CONFIG], useFactory: (ds: DataSource, c: NotificationsConfig) => loadVapidKeys(ds, c.push.vapid) },
      ],
    };
  }
}

/**
 * Builds notifications: the inbox, preferences, push subscriptions and the live stream over
 * HTTP; the consumer groups the pods share (go-lives into fan-out jobs, fan-out chunks into
 * inboxes, accounts, follows, replays, web push). Start with `startAllMicroservices()`, then `listen()`.
 */
export async function createNotificationsApp(config: NotificationsConfig): Promise<INestApplication> {
  const app = await NestFactory.create(NotificationsModule.forRoot(config), {
    logger: new JsonLogger('notifications', config.logLevel),
    bodyParser: false,
    abortOnError: false,
  });
  const dataSource = app.get(DataSource);
  const kafka = app.get(KafkaRuntime);
  const runtime = app.get(NotificationsRuntime);
  configureHttpApp(app, {
    serviceName: 'notifications',
    version: '1',
    description: 'Notifications: the inbox, what one hears about and from whom, Web Push subscriptions, and a live stream of notifications as they happen.',
    readiness: async () => ({ postgres: await postgresReady(dataSource), kafka: await kafka.ready(), publisher: await runtime.ready() }),
  });
  const options = notificationsKafkaOptions(config);
  connectKafkaConsumer(app, { kafka: options, groupId: 'notifications.broadcasts', events: [BroadcastWentLiveEvent, BroadcastEndedEvent, BroadcastReplayReadyEvent, BroadcastExpiredEvent], dataSource });
  // Chunks are disjoint sets of recipients: a pod writes several at once (a go-live to millions
  // is bounded by how many transactions the pods run, not by one per pod).
  connectKafkaConsumer(app, { kafka: options, groupId: 'notifications.fanout', events: [GoLiveChunkEvent], dataSource, partitionsConcurrently: config.fanout.concurrency });
  connectKafkaConsumer(app, { kafka: options, groupId: 'notifications.accounts', events: [AccountCreatedEvent, AccountProfileUpdatedEvent, AccountDeletedEvent], dataSource });
  connectKafkaConsumer(app, { kafka: options, groupId: 'notifications.follows', events: [FollowCreatedEvent], dataSource });
  const sender = new WebPushSender(dataSource, app.get<VapidKeys>(VAPID_KEYS), config.push);
  app.connectMicroservice({
    strategy: new EventBatchConsumer({
      kafka: options,
      groupId: 'notifications.web-push',
      events: [NotificationsCreatedEvent],
      handle: async (events) => {
        for (const e of events) await sender.send(e.message as NotificationsCreated);
      },
    }),
  });
  return app;
}
