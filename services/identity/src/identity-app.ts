import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { configureHttpApp } from '@onair/http';
import { KafkaRuntime } from '@onair/kafka';
import { postgresReady } from '@onair/postgres';
import { JsonLogger } from '@onair/telemetry';
import { DataSource } from 'typeorm';
import { AccountsModule } from './accounts/accounts.module.js';
import type { IdentityConfig } from './config.js';
import { InfrastructureModule } from './infrastructure.module.js';

@Module({})
class IdentityModule {
  static forRoot(config: IdentityConfig): DynamicModule {
    return { module: IdentityModule, imports: [InfrastructureModule.forRoot(config), AccountsModule] };
  }
}

/** Builds the identity HTTP application (used by main.ts and by the integration tests). */
export async function createIdentityApp(config: IdentityConfig): Promise<INestApplication> {
  const app = await NestFactory.create(IdentityModule.forRoot(config), {
    logger: new JsonLogger('identity', config.logLevel),
    bodyParser: false,
    // Boot errors are thrown to the caller (main.ts exits non-zero; a test fails) instead of exit(1).
    abortOnError: false,
  });
  const dataSource = app.get(DataSource);
  const kafka = app.get(KafkaRuntime);
  configureHttpApp(app, {
    serviceName: 'identity',
    version: '1',
    description: 'Accounts, sign-in and tokens.',
    readiness: async () => ({ postgres: await postgresReady(dataSource), kafka: await kafka.ready() }),
  });
  return app;
}
