import { Global, Module, type DynamicModule } from '@nestjs/common';
import {
  BroadcastCreatedEvent,
  BroadcastEndedEvent,
  BroadcastExpiredEvent,
  BroadcastReplayReadyEvent,
  BroadcastStatsUpdatedEvent,
  BroadcastWentLiveEvent,
} from '@onair/contracts';
import { CreateKafkaOutboxTables1763769600000, KafkaOutboxModule } from '@onair/kafka';
import { PostgresModule } from '@onair/postgres';
import { DataSource } from 'typeorm';
import { CreateBroadcasts1764288000001 } from '../migrations/1764288000001-create-broadcasts.js';
import { AddSfuNodeRelayUrl1764892800001 } from '../migrations/1764892800001-add-sfu-node-relay-url.js';
import { AddSfuNodeDraining1764892800002 } from '../migrations/1764892800002-add-sfu-node-draining.js';
import { AddBroadcastDiscoverableIndex1765497600001 } from '../migrations/1765497600001-add-broadcast-discoverable-index.js';
import { CreateRelayEdge1766102400001 } from '../migrations/1766102400001-create-relay-edge.js';
import { AddBroadcastTakenDown1767100000001 } from '../migrations/1767100000001-add-broadcast-taken-down.js';
import { CreateAccountSuspension1767200000001 } from '../migrations/1767200000001-create-account-suspension.js';
import { CreateStreamKey1767300000001 } from '../migrations/1767300000001-create-stream-key.js';
import { STREAM_SESSIONS_CONFIG, type StreamSessionsConfig } from './config.js';

/** Config, the service's PostgreSQL schema (migrated at boot) and Kafka with the outbox relay. */
@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(config: StreamSessionsConfig): DynamicModule {
    const configProvider = { provide: STREAM_SESSIONS_CONFIG, useValue: config };
    return {
      module: InfrastructureModule,
      imports: [
        PostgresModule.forRoot({
          ...config.database,
          entities: [],
          migrations: [
            CreateKafkaOutboxTables1763769600000,
            CreateBroadcasts1764288000001,
            AddSfuNodeRelayUrl1764892800001,
            AddSfuNodeDraining1764892800002,
            AddBroadcastDiscoverableIndex1765497600001,
            CreateRelayEdge1766102400001,
            AddBroadcastTakenDown1767100000001,
            CreateAccountSuspension1767200000001,
            CreateStreamKey1767300000001,
          ],
        }),
        KafkaOutboxModule.forRootAsync({
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => ({
            kafka: { clientId: 'stream-sessions', ...config.kafka },
            dataSource,
            databaseUrl: config.database.url,
            schema: config.database.schema,
            publishes: [
              BroadcastCreatedEvent,
              BroadcastWentLiveEvent,
              BroadcastEndedEvent,
              BroadcastReplayReadyEvent,
              BroadcastExpiredEvent,
              BroadcastStatsUpdatedEvent,
            ],
          }),
        }),
      ],
      providers: [configProvider],
      exports: [configProvider],
    };
  }
}
