import 'reflect-metadata';
import { Inject, Injectable, Module, type DynamicModule, type INestApplication, type OnApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthModule } from '@onair/auth';
import { BroadcastStatsUpdatedEvent, type EventDescriptor } from '@onair/contracts';
import { configureHttpApp } from '@onair/http';
import { EventBatchConsumer, type BatchEvent, type KafkaOptions } from '@onair/kafka';
import { JsonLogger } from '@onair/telemetry';
import { ACCOUNT_EVENTS } from './accounts/account-indexer.js';
import { LIFECYCLE_EVENTS, toBroadcastEvent } from './broadcasts/broadcast-events.js';
import type { DiscoveryConfig } from './config.js';
import { DiscoveryRuntime } from './discovery-runtime.js';
import { searchReady } from './search-index/search-client.js';
import { DiscoverySearch } from './search/discovery-search.js';
import { SearchController } from './search/search.controller.js';

@Injectable()
class RuntimeLifecycle implements OnApplicationShutdown {
  constructor(@Inject(DiscoveryRuntime) private readonly runtime: DiscoveryRuntime) {}
  async onApplicationShutdown() {
    await this.runtime.close();
  }
}

@Module({})
class DiscoveryModule {
  static forRoot(config: DiscoveryConfig, runtime: DiscoveryRuntime): DynamicModule {
    return {
      module: DiscoveryModule,
      imports: [AuthModule.forRoot({ jwksUrl: config.auth.jwksUrl, revocations: { kafka: kafkaOptions(config), service: 'discovery' } })],
      controllers: [SearchController],
      providers: [{ provide: DiscoveryRuntime, useValue: runtime }, { provide: DiscoverySearch, useValue: runtime.search }, RuntimeLifecycle],
    };
  }
}

export const kafkaOptions = (config: DiscoveryConfig): KafkaOptions => ({ clientId: `discovery-${config.podId}`, ...config.kafka });

/**
 * Builds discovery: the query API, and the consumers that keep the index (broadcast lifecycle,
 * broadcast stats, accounts with their follows and blocks), each a group the pods share. Start
 * with `startAllMicroservices()`, then `listen()`.
 */
export async function createDiscoveryApp(config: DiscoveryConfig): Promise<INestApplication> {
  const runtime = new DiscoveryRuntime(config);
  await runtime.start();
  const app = await NestFactory.create(DiscoveryModule.forRoot(config, runtime), {
    logger: new JsonLogger('discovery', config.logLevel),
    bodyParser: false,
    abortOnError: false,
  });
  configureHttpApp(app, {
    serviceName: 'discovery',
    version: '1',
    description: 'Finding live broadcasts: on a world map, near a point, by topic and text, trending, at random, and those of the accounts one follows.',
    readiness: async () => ({ elasticsearch: await searchReady(runtime.es) }),
  });
  const kafka = kafkaOptions(config);
  const consumer = (groupId: string, events: EventDescriptor[], handle: (events: BatchEvent[]) => Promise<void>) =>
    app.connectMicroservice({ strategy: new EventBatchConsumer({ kafka, groupId, events, handle }) });
  consumer('discovery.lifecycle', LIFECYCLE_EVENTS, (events) => runtime.broadcasts.apply(events.map(toBroadcastEvent)));
  consumer('discovery.stats', [BroadcastStatsUpdatedEvent], (events) => runtime.broadcasts.apply(events.map(toBroadcastEvent)));
  consumer('discovery.accounts', ACCOUNT_EVENTS, (events) => runtime.accounts.apply(events));
  return app;
}
