import { Global, Module, type DynamicModule } from '@nestjs/common';
import { NotificationsCreatedEvent } from '@onair/contracts';
import { KafkaOutboxModule } from '@onair/kafka';
import { DEFAULT_POOL_SIZE, PostgresModule } from '@onair/postgres';
import { DataSource } from 'typeorm';
import { notificationsMigrations } from '../migrations/notifications-migrations.js';
import { NOTIFICATIONS_CONFIG, notificationsKafkaOptions, type NotificationsConfig } from './config.js';

/** Config, notifications' PostgreSQL schema (migrated at boot) and Kafka with the outbox relay (notifications created). */
@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(config: NotificationsConfig): DynamicModule {
    const configProvider = { provide: NOTIFICATIONS_CONFIG, useValue: config };
    return {
      module: InfrastructureModule,
      imports: [
        // Connections for the fan-out chunks written at once, besides the API and the other consumers.
        PostgresModule.forRoot({ ...config.database, entities: [], migrations: notificationsMigrations, poolSize: DEFAULT_POOL_SIZE + config.fanout.concurrency }),
        KafkaOutboxModule.forRootAsync({
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => ({
            kafka: notificationsKafkaOptions(config),
            dataSource,
            databaseUrl: config.database.url,
            schema: config.database.schema,
            publishes: [NotificationsCreatedEvent],
          }),
        }),
      ],
      providers: [configProvider],
      exports: [configProvider],
    };
  }
}
