import { Global, Module, type DynamicModule } from '@nestjs/common';
import { AccountSuspendedEvent, AccountSuspensionLiftedEvent, BroadcastTakenDownEvent } from '@onair/contracts';
import { KafkaOutboxModule } from '@onair/kafka';
import { PostgresModule } from '@onair/postgres';
import { DataSource } from 'typeorm';
import { opsMigrations } from '../migrations/ops-migrations.js';
import { AuditEntry } from './audit/audit-entry.entity.js';
import { OPS_CONFIG, type OpsConfig } from './config.js';
import { Report } from './reports/report.entity.js';
import { ReportTarget } from './reports/report-target.entity.js';
import { StaffRole } from './staff-roles/staff-role.entity.js';

/**
 * Config, ops' PostgreSQL schema (migrated at boot) and Kafka: the outbox relays operators'
 * actions that other services apply (ops.actions.v1).
 */
@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(config: OpsConfig): DynamicModule {
    const configProvider = { provide: OPS_CONFIG, useValue: config };
    return {
      module: InfrastructureModule,
      imports: [
        PostgresModule.forRoot({ ...config.database, entities: [AuditEntry, Report, ReportTarget, StaffRole], migrations: opsMigrations }),
        KafkaOutboxModule.forRootAsync({
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => ({
            kafka: { clientId: 'ops', ...config.kafka },
            dataSource,
            databaseUrl: config.database.url,
            schema: config.database.schema,
            publishes: [BroadcastTakenDownEvent, AccountSuspendedEvent, AccountSuspensionLiftedEvent],
          }),
        }),
      ],
      providers: [configProvider],
      exports: [configProvider],
    };
  }
}
