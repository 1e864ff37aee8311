import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthModule } from '@onair/auth';
import { configureHttpApp } from '@onair/http';
import { AccountSuspendedEvent, AccountSuspensionLiftedEvent } from '@onair/contracts';
import { connectKafkaConsumer, KafkaRuntime } from '@onair/kafka';
import { postgresReady } from '@onair/postgres';
import { JsonLogger } from '@onair/telemetry';
import { DataSource } from 'typeorm';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { raw } from 'express';
import { AccountsModule } from './accounts/accounts.module.js';
import { PasswordsModule } from './passwords/passwords.module.js';
import { ProfilesModule } from './profiles/profiles.module.js';
import { RolesModule } from './roles/roles.module.js';
import { SessionsModule } from './sessions/sessions.module.js';
import { SigningKeysModule } from './signing-keys/signing-keys.module.js';
import { SigningKeys } from './signing-keys/signing-keys.service.js';
import { SuspensionsModule } from './suspensions/suspensions.module.js';
import type { IdentityConfig } from './config.js';
import { InfrastructureModule } from './infrastructure.module.js';

@Module({})
class IdentityModule {
  static forRoot(config: IdentityConfig): DynamicModule {
    return {
      module: IdentityModule,
      imports: [
        InfrastructureModule.forRoot(config),
        SigningKeysModule,
        // Identity checks its own tokens against the same published keys as every other service.
        AuthModule.forRootAsync({
          inject: [SigningKeys],
          useFactory: (keys: SigningKeys) => keys.keySource(),
          revocations: { kafka: { clientId: 'identity', ...config.kafka }, service: 'identity' },
        }),
        PasswordsModule,
        AccountsModule,
        SessionsModule,
        ProfilesModule,
        RolesModule,
        SuspensionsModule,
      ],
    };
  }
}

/**
 * Builds the identity HTTP application (used by main.ts and by the integration tests), with the
 * consumer of ops' suspensions: start it with `startAllMicroservices()`, then `listen()`.
 */
export async function createIdentityApp(config: IdentityConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(IdentityModule.forRoot(config), {
    logger: new JsonLogger('identity', config.logLevel),
    bodyParser: false,
    // Boot errors are thrown to the caller (main.ts exits non-zero; a test fails) instead of exit(1).
    abortOnError: false,
  });
  app.set('trust proxy', config.trustProxy);
  // Avatars arrive as raw image bytes; everything else is JSON (configureHttpApp).
  app.use('/v1/users/me/avatar', raw({ type: () => true, limit: config.avatars.maxBytes }));
  const dataSource = app.get(DataSource);
  const kafka = app.get(KafkaRuntime);
  configureHttpApp(app, {
    serviceName: 'identity',
    version: '1',
    description: 'Accounts, sign-in and tokens.',
    readiness: async () => ({ postgres: await postgresReady(dataSource), kafka: await kafka.ready() }),
  });
  const events = [AccountSuspendedEvent, AccountSuspensionLiftedEvent];
  connectKafkaConsumer(app, { kafka: { clientId: 'identity', ...config.kafka }, groupId: 'identity.suspensions', events, dataSource });
  return app;
}
