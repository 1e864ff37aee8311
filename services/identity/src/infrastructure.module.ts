import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { AccountCreatedEvent, AccountDeletedEvent } from '@onair/contracts';
import { CreateKafkaOutboxTables1763769600000, KafkaOutboxModule } from '@onair/kafka';
import { openPostgres } from '@onair/postgres';
import { DataSource } from 'typeorm';
import { CreateAccounts1763769600001 } from '../migrations/1763769600001-create-accounts.js';
import { AuthAndProfiles1763769600002 } from '../migrations/1763769600002-auth-and-profiles.js';
import { Account } from './accounts/account.entity.js';
import { IDENTITY_CONFIG, type IdentityConfig } from './config.js';

class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}
  async onApplicationShutdown() {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** Config, the service's PostgreSQL schema (migrated at boot) and Kafka with the outbox relay. */
@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(config: IdentityConfig): DynamicModule {
    const configProvider = { provide: IDENTITY_CONFIG, useValue: config };
    return {
      module: InfrastructureModule,
      imports: [
        KafkaOutboxModule.forRootAsync({
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => ({
            kafka: { clientId: 'identity', ...config.kafka },
            dataSource,
            databaseUrl: config.database.url,
            schema: config.database.schema,
            publishes: [AccountCreatedEvent, AccountDeletedEvent],
          }),
        }),
      ],
      providers: [
        configProvider,
        {
          provide: DataSource,
          useFactory: () =>
            openPostgres({
              url: config.database.url,
              schema: config.database.schema,
              entities: [Account],
              migrations: [CreateKafkaOutboxTables1763769600000, CreateAccounts1763769600001, AuthAndProfiles1763769600002],
            }),
        },
        DataSourceCloser,
      ],
      exports: [configProvider, DataSource],
    };
  }
}
