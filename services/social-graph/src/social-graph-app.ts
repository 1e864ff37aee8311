import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplication, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AccountDeletedEvent } from '@onair/contracts';
import { AuthModule } from '@onair/auth';
import type { PostgresConfig } from '@onair/config';
import { GrpcPeersModule } from '@onair/grpc-service';
import { configureHttpApp } from '@onair/http';
import { connectKafkaConsumer, KafkaRuntime } from '@onair/kafka';
import { postgresReady } from '@onair/postgres';
import { JsonLogger } from '@onair/telemetry';
import { DataSource } from 'typeorm';
import { ACCOUNT_DELETION_GROUP } from './accounts/account-deleted.consumer.js';
import { AccountsModule } from './accounts/accounts.module.js';
import { BlocksModule } from './blocks/blocks.module.js';
import { CircleMembersStreamModule } from './circle-members-stream/circle-members-stream.module.js';
import { CirclesModule } from './circles/circles.module.js';
import type { GrpcConfig, LogLevel, SocialGraphConfig } from './config.js';
import { FollowersStreamModule } from './followers-stream/followers-stream.module.js';
import { FollowsModule } from './follows/follows.module.js';
import { grpcOptions } from './grpc/grpc-options.js';
import { InfrastructureModule, socialGraphDatabase } from './infrastructure.module.js';

@Module({})
class SocialGraphModule {
  static forRoot(config: SocialGraphConfig): DynamicModule {
    return {
      module: SocialGraphModule,
      imports: [
        InfrastructureModule.forRoot(config),
        GrpcPeersModule.forRoot(config.grpc.allowedClients),
        AuthModule.forRoot({ jwksUrl: config.auth.jwksUrl, revocations: { kafka: { clientId: 'social-graph', ...config.kafka }, service: 'social-graph' } }),
        FollowsModule,
        BlocksModule,
        CirclesModule,
        FollowersStreamModule,
        CircleMembersStreamModule,
        AccountsModule,
      ],
    };
  }
}

/**
 * Builds social-graph: the public HTTP API, the internal gRPC API and the account.deleted.v1
 * consumer in one Nest application. Start with `startAllMicroservices()`, then `listen()`
 * (used by main.ts and by the integration tests).
 */
export async function createSocialGraphApp(config: SocialGraphConfig): Promise<INestApplication> {
  const app = await NestFactory.create(SocialGraphModule.forRoot(config), {
    logger: new JsonLogger('social-graph', config.logLevel),
    bodyParser: false,
    // Boot errors are thrown to the caller (main.ts exits non-zero; a test fails) instead of exit(1).
    abortOnError: false,
  });
  const dataSource = app.get(DataSource);
  const kafka = app.get(KafkaRuntime);
  configureHttpApp(app, {
    serviceName: 'social-graph',
    version: '1',
    description: 'Follows, blocks and circles between accounts.',
    readiness: async () => ({ postgres: await postgresReady(dataSource), kafka: await kafka.ready() }),
  });
  app.connectMicroservice(grpcOptions(config.grpc));
  connectKafkaConsumer(app, {
    kafka: { clientId: 'social-graph', ...config.kafka },
    groupId: ACCOUNT_DELETION_GROUP,
    events: [AccountDeletedEvent],
    dataSource,
  });
  return app;
}

@Module({})
class FollowersStreamServerModule {
  static forRoot(database: PostgresConfig, allowedClients: string[]): DynamicModule {
    return {
      module: FollowersStreamServerModule,
      imports: [socialGraphDatabase(database), GrpcPeersModule.forRoot(allowedClients), FollowersStreamModule],
    };
  }
}

/**
 * The gRPC server with StreamFollowers alone, on PostgreSQL alone (no HTTP, no Kafka): what
 * the follows benchmark (tools/bench/follows.ts) measures. Not yet listening.
 */
export async function createFollowersStreamServer(config: {
  database: PostgresConfig;
  grpc: GrpcConfig;
  logLevel: LogLevel;
}): Promise<INestMicroservice> {
  return NestFactory.createMicroservice(FollowersStreamServerModule.forRoot(config.database, config.grpc.allowedClients), {
    ...grpcOptions(config.grpc),
    logger: new JsonLogger('social-graph', config.logLevel),
    abortOnError: false,
  });
}
