import { Global, Module, type DynamicModule } from '@nestjs/common';
import {
  AccountCreatedEvent,
  AccountDeletedEvent,
  AccountProfileUpdatedEvent,
  AccountRoleGrantedEvent,
  AccountRoleRevokedEvent,
  SessionsRevokedEvent,
} from '@onair/contracts';
import { KafkaOutboxModule } from '@onair/kafka';
import { PostgresModule } from '@onair/postgres';
import { DataSource } from 'typeorm';
import { identityMigrations } from '../migrations/identity-migrations.js';
import { Account } from './accounts/account.entity.js';
import { IDENTITY_CONFIG, type IdentityConfig } from './config.js';
import { RoleGrant } from './roles/role-grant.entity.js';

/** Config, the service's PostgreSQL schema (migrated at boot) and Kafka with the outbox relay. */
@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(config: IdentityConfig): DynamicModule {
    const configProvider = { provide: IDENTITY_CONFIG, useValue: config };
    return {
      module: InfrastructureModule,
      imports: [
        PostgresModule.forRoot({
          ...config.database,
          entities: [Account, RoleGrant],
          migrations: identityMigrations,
        }),
        KafkaOutboxModule.forRootAsync({
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => ({
            kafka: { clientId: 'identity', ...config.kafka },
            dataSource,
            databaseUrl: config.database.url,
            schema: config.database.schema,
            publishes: [AccountCreatedEvent, AccountProfileUpdatedEvent, AccountDeletedEvent, AccountRoleGrantedEvent, AccountRoleRevokedEvent, SessionsRevokedEvent],
          }),
        }),
      ],
      providers: [configProvider],
      exports: [configProvider],
    };
  }
}
