import { Module, type DynamicModule } from '@nestjs/common';
import {
  BlockCreatedEvent,
  BlockDeletedEvent,
  CircleDeletedEvent,
  CircleMemberRemovedEvent,
  FollowCreatedEvent,
  FollowDeletedEvent,
} from '@onair/contracts';
import { CreateKafkaOutboxTables1763769600000, KafkaOutboxModule } from '@onair/kafka';
import type { PostgresConfig } from '@onair/config';
import { PostgresModule } from '@onair/postgres';
import { DataSource } from 'typeorm';
import { CreateFollows1763856000001 } from '../migrations/1763856000001-create-follows.js';
import { CreateBlocks1763856000002 } from '../migrations/1763856000002-create-blocks.js';
import { CreateCircles1763856000003 } from '../migrations/1763856000003-create-circles.js';
import { CreateDeletedAccounts1763856000004 } from '../migrations/1763856000004-create-deleted-accounts.js';
import type { SocialGraphConfig } from './config.js';

/** The service's PostgreSQL schema, migrated at boot. Every feature writes SQL of its own. */
export function socialGraphDatabase(database: PostgresConfig): DynamicModule {
  return PostgresModule.forRoot({
    ...database,
    entities: [],
    migrations: [
      CreateKafkaOutboxTables1763769600000,
      CreateFollows1763856000001,
      CreateBlocks1763856000002,
      CreateCircles1763856000003,
      CreateDeletedAccounts1763856000004,
    ],
  });
}

/** PostgreSQL and Kafka with the outbox relay (both global: every feature uses them). */
@Module({})
export class InfrastructureModule {
  static forRoot(config: SocialGraphConfig): DynamicModule {
    return {
      module: InfrastructureModule,
      imports: [
        socialGraphDatabase(config.database),
        KafkaOutboxModule.forRootAsync({
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => ({
            kafka: { clientId: 'social-graph', ...config.kafka },
            dataSource,
            databaseUrl: config.database.url,
            schema: config.database.schema,
            publishes: [FollowCreatedEvent, FollowDeletedEvent, BlockCreatedEvent, BlockDeletedEvent, CircleMemberRemovedEvent, CircleDeletedEvent],
          }),
        }),
      ],
    };
  }
}
