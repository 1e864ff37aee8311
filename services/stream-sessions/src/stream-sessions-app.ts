import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthModule } from '@onair/auth';
import {
  AccountSuspendedEvent,
  AccountSuspensionLiftedEvent,
  AudienceReportedEvent,
  BroadcastTakenDownEvent,
  HeartsCountedEvent,
  NodeLoadReportedEvent,
  PublisherJoinedEvent,
  PublisherLeftEvent,
  RecordingFinishedEvent,
} from '@onair/contracts';
import { GrpcPeersModule } from '@onair/grpc-service';
import { configureHttpApp } from '@onair/http';
import { connectKafkaConsumer, KafkaRuntime } from '@onair/kafka';
import { postgresReady } from '@onair/postgres';
import { JsonLogger } from '@onair/telemetry';
import { DataSource } from 'typeorm';
import { AdmissionModule } from './admission/admission.module.js';
import { BroadcastsModule } from './broadcasts/broadcasts.module.js';
import type { StreamSessionsConfig } from './config.js';
import { DiscoverableBroadcastsModule } from './discoverable-broadcasts/discoverable-broadcasts.module.js';
import { grpcOptions } from './grpc/grpc-options.js';
import { InfrastructureModule } from './infrastructure.module.js';
import { LifecycleModule } from './lifecycle/lifecycle.module.js';
import { LiveHlsModule } from './live-hls/live-hls.module.js';
import { LiveOverviewModule } from './live-overview/live-overview.module.js';
import { ReplaysModule } from './replays/replays.module.js';
import { SfuNodesModule } from './sfu-nodes/sfu-nodes.module.js';
import { StatsModule } from './stats/stats.module.js';
import { StreamKeysModule } from './stream-keys/stream-keys.module.js';
import { SuspensionsModule } from './suspensions/suspensions.module.js';
import { TakedownsModule } from './takedowns/takedowns.module.js';
import { WhipModule } from './whip/whip.module.js';
import { RtmpIngestModule } from './rtmp-ingest/rtmp-ingest.module.js';

/**
 * The SFU events stream-sessions applies, in three consumer groups so none waits behind another's
 * backlog: lifecycle events (a broadcast going live or losing its publisher) must not queue behind
 * a viral broadcast's audience reports or every node's load reports. Each group reads only its own
 * events' topics and skips the others' events there. The lifecycle group keeps the name the
 * single group had, and with it its offsets.
 */
export const MEDIA_EVENT_GROUPS = [
  { groupId: 'stream-sessions.media', events: [PublisherJoinedEvent, PublisherLeftEvent, RecordingFinishedEvent] },
  { groupId: 'stream-sessions.audience', events: [AudienceReportedEvent] },
  { groupId: 'stream-sessions.nodes', events: [NodeLoadReportedEvent] },
  // Chat's heart totals: not an SFU event, but like the audience, a stats input apart from the lifecycle.
  { groupId: 'stream-sessions.hearts', events: [HeartsCountedEvent] },
  // Operators' takedowns and account suspensions (both take broadcasts down): rare and urgent,
  // never behind the media backlog.
  { groupId: 'stream-sessions.takedowns', events: [BroadcastTakenDownEvent, AccountSuspendedEvent, AccountSuspensionLiftedEvent] },
];

@Module({})
class StreamSessionsModule {
  static forRoot(config: StreamSessionsConfig): DynamicModule {
    return {
      module: StreamSessionsModule,
      imports: [
        InfrastructureModule.forRoot(config),
        GrpcPeersModule.forRoot(config.grpc.allowedClients),
        AuthModule.forRoot({ jwksUrl: config.auth.jwksUrl, revocations: { kafka: { clientId: 'stream-sessions', ...config.kafka }, service: 'stream-sessions' } }),
        BroadcastsModule,
        AdmissionModule,
        SfuNodesModule,
        LifecycleModule,
        StatsModule,
        ReplaysModule,
        LiveHlsModule,
        DiscoverableBroadcastsModule,
        LiveOverviewModule,
        TakedownsModule,
        SuspensionsModule,
        StreamKeysModule,
        WhipModule,
        RtmpIngestModule,
      ],
    };
  }
}

/**
 * Builds stream-sessions: the HTTP API (broadcasts, tickets, replays, media JWKS), the internal
 * gRPC API (discoverable broadcasts, operators' live overview), the SFU event consumer and the
 * sweepers. Start with `startAllMicroservices()`, then `listen()`.
 */
export async function createStreamSessionsApp(config: StreamSessionsConfig): Promise<INestApplication> {
  const app = await NestFactory.create(StreamSessionsModule.forRoot(config), {
    logger: new JsonLogger('stream-sessions', config.logLevel),
    bodyParser: false,
    abortOnError: false,
  });
  const dataSource = app.get(DataSource);
  const kafka = app.get(KafkaRuntime);
  configureHttpApp(app, {
    serviceName: 'stream-sessions',
    version: '1',
    description: 'Broadcasts: lifecycle, admission with media tickets, live stats and 24-hour replays.',
    readiness: async () => ({ postgres: await postgresReady(dataSource), kafka: await kafka.ready() }),
  });
  // Operators' watch preview: a consume ticket whatever the broadcast's visibility (audience-policy.ts).
  app.connectMicroservice(grpcOptions(config.grpc));
  for (const { groupId, events } of MEDIA_EVENT_GROUPS) {
    connectKafkaConsumer(app, { kafka: { clientId: 'stream-sessions', ...config.kafka }, groupId, events, dataSource });
  }
  return app;
}
