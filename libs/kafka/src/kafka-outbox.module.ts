import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type InjectionToken,
  type ModuleMetadata,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { EventDescriptor } from '@onair/contracts';
import type { Admin, Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { createKafka, ensureTopics, prefixed, type KafkaOptions } from './kafka-options.js';
import { Outbox } from './outbox/outbox.js';
import { OutboxRelay } from './outbox/outbox-relay.js';

export interface KafkaOutboxOptions {
  kafka: KafkaOptions;
  dataSource: DataSource;
  databaseUrl: string;
  schema: string;
  /** Events this service publishes: their topics are created at boot. */
  publishes: EventDescriptor[];
  relayPollMs?: number;
}

const OPTIONS = Symbol('KafkaOutboxOptions');

/** Creates the service's topics at boot, runs the outbox relay, answers readiness for Kafka. */
@Injectable()
export class KafkaRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly kafka: Kafka;
  private readonly relay: OutboxRelay;
  private admin?: Admin;

  constructor(@Inject(OPTIONS) private readonly options: KafkaOutboxOptions) {
    this.kafka = createKafka(options.kafka);
    this.relay = new OutboxRelay({
      dataSource: options.dataSource,
      kafka: this.kafka,
      schema: options.schema,
      databaseUrl: options.databaseUrl,
      pollMs: options.relayPollMs,
    });
  }

  async onApplicationBootstrap() {
    const topics = this.options.publishes.map((e) => prefixed(this.options.kafka, e.topic));
    await ensureTopics(this.kafka, this.options.kafka, topics);
    this.relay.start();
  }

  async onApplicationShutdown() {
    await this.relay.stop();
    await this.admin?.disconnect().catch(() => undefined);
  }

  /** True when the broker answers a metadata request within the timeout. */
  async ready(timeoutMs = 1500): Promise<boolean> {
    this.admin ??= this.kafka.admin();
    const admin = this.admin;
    const probe = (async () => {
      await admin.connect();
      await admin.describeCluster();
      return true;
    })().catch(() => false);
    const timeout = new Promise<false>((r) => setTimeout(() => r(false), timeoutMs).unref());
    return Promise.race([probe, timeout]);
  }
}

export interface KafkaOutboxModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  inject?: InjectionToken[];
  useFactory: (...args: never[]) => KafkaOutboxOptions | Promise<KafkaOutboxOptions>;
}

@Module({})
export class KafkaOutboxModule {
  static forRootAsync(options: KafkaOutboxModuleAsyncOptions): DynamicModule {
    return {
      module: KafkaOutboxModule,
      global: true,
      imports: options.imports,
      providers: [
        { provide: OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        { provide: Outbox, useFactory: (o: KafkaOutboxOptions) => new Outbox(o.kafka, o.schema), inject: [OPTIONS] },
        KafkaRuntime,
      ],
      exports: [Outbox, KafkaRuntime],
    };
  }
}
