import { Global, Module, type DynamicModule } from '@nestjs/common';
import { HeartsCountedEvent, JuryStartedEvent, JuryVerdictEvent, RoomSettingsChangedEvent, ViewerMutedEvent, ViewerUnmutedEvent } from '@onair/contracts';
import { KafkaOutboxModule } from '@onair/kafka';
import { PostgresModule } from '@onair/postgres';
import { DataSource } from 'typeorm';
import { chatMigrations } from '../migrations/chat-migrations.js';
import { CHAT_CONFIG, chatKafkaOptions, type ChatConfig } from './config.js';

/** Config, chat's PostgreSQL schema (migrated at boot) and Kafka with the outbox relay (moderation, totals). */
@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(config: ChatConfig): DynamicModule {
    const configProvider = { provide: CHAT_CONFIG, useValue: config };
    return {
      module: InfrastructureModule,
      imports: [
        PostgresModule.forRoot({ ...config.database, entities: [], migrations: chatMigrations }),
        KafkaOutboxModule.forRootAsync({
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => ({
            kafka: chatKafkaOptions(config),
            dataSource,
            databaseUrl: config.database.url,
            schema: config.database.schema,
            publishes: [ViewerMutedEvent, ViewerUnmutedEvent, RoomSettingsChangedEvent, JuryStartedEvent, JuryVerdictEvent, HeartsCountedEvent],
          }),
        }),
      ],
      providers: [configProvider],
      exports: [configProvider],
    };
  }
}
