import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthModule } from '@onair/auth';
import { AccountRoleGrantedEvent, AccountRoleRevokedEvent, JuryStartedEvent, JuryVerdictEvent } from '@onair/contracts';
import { configureHttpApp } from '@onair/http';
import { connectKafkaConsumer, KafkaRuntime } from '@onair/kafka';
import { postgresReady } from '@onair/postgres';
import { JsonLogger } from '@onair/telemetry';
import { DataSource } from 'typeorm';
import { AuditController } from './audit/audit.controller.js';
import { RoleEventsConsumer } from './audit/role-events.consumer.js';
import { type OpsConfig } from './config.js';
import { InfrastructureModule } from './infrastructure.module.js';
import { LiveOverviewModule } from './live-overview/live-overview.module.js';
import { JuryEventsConsumer } from './reports/jury-events.consumer.js';
import { ReportQueueController } from './reports/report-queue.controller.js';
import { ReportsController } from './reports/reports.controller.js';
import { SuspensionsController } from './suspensions/suspensions.controller.js';
import { TakedownsController } from './takedowns/takedowns.controller.js';

@Module({})
class OpsModule {
  static forRoot(config: OpsConfig): DynamicModule {
    const kafka = { clientId: 'ops', ...config.kafka };
    return {
      module: OpsModule,
      imports: [InfrastructureModule.forRoot(config), AuthModule.forRoot({ jwksUrl: config.auth.jwksUrl, revocations: { kafka, service: 'ops' } }), LiveOverviewModule],
      controllers: [ReportsController, ReportQueueController, TakedownsController, SuspensionsController, AuditController, RoleEventsConsumer, JuryEventsConsumer],
    };
  }
}

/**
 * Builds ops: the report queue, the audit log and the live overview (from stream-sessions' gRPC
 * API) over HTTP (operators only, but filing a report), and the consumer groups that feed them
 * (identity's role changes into the audit log, chat's juries into the queue). Start with `startAllMicroservices()`, then `listen()`.
 */
export async function createOpsApp(config: OpsConfig): Promise<INestApplication> {
  const app = await NestFactory.create(OpsModule.forRoot(config), {
    logger: new JsonLogger('ops', config.logLevel),
    bodyParser: false,
    abortOnError: false,
  });
  const dataSource = app.get(DataSource);
  const kafka = app.get(KafkaRuntime);
  configureHttpApp(app, {
    serviceName: 'ops',
    version: '1',
    description: 'Operating the platform: reports of broadcasts, accounts and chat messages in one queue for operators, and the append-only audit log of what operators did.',
    readiness: async () => ({ postgres: await postgresReady(dataSource), kafka: await kafka.ready() }),
  });
  const options = { clientId: 'ops', ...config.kafka };
  connectKafkaConsumer(app, { kafka: options, groupId: 'ops.roles', events: [AccountRoleGrantedEvent, AccountRoleRevokedEvent], dataSource });
  connectKafkaConsumer(app, { kafka: options, groupId: 'ops.juries', events: [JuryStartedEvent, JuryVerdictEvent], dataSource });
  return app;
}
