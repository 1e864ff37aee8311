import { Logger, type INestApplication, type INestMicroservice, type LoggerService, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import type { EventDescriptor } from '@onair/contracts';
import { extractTraceContext, meter, SpanKind, withSpan } from '@onair/telemetry';
import type { Consumer, KafkaMessage, Producer } from 'kafkajs';
import { isObservable, lastValueFrom } from 'rxjs';
import type { DataSource } from 'typeorm';
import { decodeEvent, Header, headersToStrings } from '../event-record.js';
import { createIdempotentProducer, createKafka, ensureTopics, prefixed, type KafkaOptions } from '../kafka-options.js';
import type { KafkaEventContext } from './event-context.js';
import { errorCode, errorMessage, isRetriable, NonRetriableEventError } from './event-errors.js';

export interface KafkaEventServerOptions {
  kafka: KafkaOptions;
  /** Consumer group, unprefixed: `<service>.<purpose>`. */
  groupId: string;
  /** Events this service may handle; handlers are `@EventPattern(descriptor.name)` methods. */
  events: EventDescriptor[];
  /** The service's database: processed-event marks and handler writes share one transaction. */
  dataSource: DataSource;
  /** Attempts for a retriable failure before the event goes to the dead-letter topic. */
  maxAttempts?: number;
  retryBackoffMs?: number;
  /**
   * Partitions this instance works on at once (default 1). Events of one partition stay in
   * order; more than 1 suits topics whose events touch disjoint rows (fan-out chunks), where one
   * instance would otherwise write one transaction at a time however many partitions it holds.
   */
  partitionsConcurrently?: number;
}

export const deadLetterTopic = (options: KafkaEventServerOptions) => prefixed(options.kafka, `${options.groupId}.dlq`);

/**
 * A Nest microservice transport on kafkajs for protobuf events: handlers are declared with
 * `@EventPattern('<event name>')`. Each event is applied in one PostgreSQL transaction that
 * also records (group, event id) in `processed_event`, so redelivery (after a crash or a
 * rebalance) is harmless. Retriable failures are retried with backoff, then the event goes
 * to `<group>.dlq` with its error code and the partition moves on.
 */
export class KafkaEventServer extends Server implements CustomTransportStrategy {
  private readonly log = new Logger('KafkaEventServer');
  private readonly duplicates = meter('kafka').createCounter('kafka_consumer_duplicates_skipped_total');
  private readonly deadLettered = meter('kafka').createCounter('kafka_consumer_dead_lettered_total');
  private consumer?: Consumer;
  private producer?: Producer;
  private readonly byName = new Map<string, EventDescriptor>();

  constructor(private readonly options: KafkaEventServerOptions) {
    super();
    for (const e of options.events) this.byName.set(e.name, e);
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      await this.start();
      callback();
    } catch (err) {
      callback(err);
    }
  }

  async close(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
  }

  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- the signature Nest's Server declares
  on(event: string, callback: Function): void {
    this.consumer?.on(event as never, callback as never);
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  private async start(): Promise<void> {
    const handled = this.options.events.filter((e) => this.getHandlerByPattern(e.name));
    const topics = [...new Set(handled.map((e) => prefixed(this.options.kafka, e.topic)))];
    if (topics.length === 0) return;
    const kafka = createKafka(this.options.kafka);
    await ensureTopics(kafka, this.options.kafka, [...topics, deadLetterTopic(this.options)]);
    this.producer = createIdempotentProducer(kafka);
    await this.producer.connect();
    this.consumer = kafka.consumer({
      groupId: prefixed(this.options.kafka, this.options.groupId),
      maxWaitTimeInMs: 500,
      allowAutoTopicCreation: false,
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: true });
    await this.consumer.run({
      partitionsConsumedConcurrently: this.options.partitionsConcurrently ?? 1,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }) => {
        for (const message of batch.messages) {
          if (!isRunning() || isStale()) break;
          await this.process(batch.topic, batch.partition, message);
          resolveOffset(message.offset);
          await heartbeat();
          await commitOffsetsIfNecessary();
        }
      },
    });
  }

  private async process(topic: string, partition: number, message: KafkaMessage): Promise<void> {
    const headers = headersToStrings(message.headers);
    const descriptor = this.byName.get(headers[Header.type] ?? '');
    if (!descriptor || !this.getHandlerByPattern(descriptor.name)) return; // another consumer's event
    const attributes = { 'messaging.system': 'kafka', 'messaging.destination.name': topic, 'messaging.message.id': headers[Header.id] };
    await withSpan(
      `${topic} process`,
      async () => {
        const max = this.options.maxAttempts ?? 3;
        for (let attempt = 1; ; attempt++) {
          try {
            await this.applyOnce(descriptor, topic, partition, message, headers);
            return;
          } catch (err) {
            if (!isRetriable(err) || attempt >= max) return this.deadLetter(topic, message, headers, err);
            this.log.warn(`${descriptor.name} ${headers[Header.id]} attempt ${attempt} failed: ${errorMessage(err)}`);
            await new Promise((r) => setTimeout(r, (this.options.retryBackoffMs ?? 200) * 2 ** (attempt - 1)));
          }
        }
      },
      { parent: extractTraceContext(headers), kind: SpanKind.CONSUMER, attributes },
    );
  }

  private async applyOnce(
    descriptor: EventDescriptor,
    topic: string,
    partition: number,
    message: KafkaMessage,
    headers: Record<string, string>,
  ): Promise<void> {
    const eventId = headers[Header.id];
    if (!eventId || !message.value) throw new NonRetriableEventError('KAFKA.MALFORMED_EVENT', 'event without id or body');
    let event: unknown;
    try {
      event = decodeEvent(descriptor, message.value);
    } catch (err) {
      throw new NonRetriableEventError('KAFKA.UNDECODABLE_EVENT', (err as Error).message);
    }
    const handler = this.getHandlerByPattern(descriptor.name)!;
    await this.options.dataSource.transaction(async (manager) => {
      const marked: unknown[] = await manager.query(
        `INSERT INTO processed_event (consumer_group, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
        [this.options.groupId, eventId],
      );
      if (marked.length === 0) {
        this.duplicates.add(1, { group: this.options.groupId });
        return;
      }
      const ctx: KafkaEventContext = {
        eventId,
        eventName: descriptor.name,
        topic,
        partition,
        offset: message.offset,
        key: message.key?.toString('utf8') ?? null,
        headers,
        manager,
      };
      const result = await handler(event, ctx);
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
    });
  }

  private async deadLetter(topic: string, message: KafkaMessage, headers: Record<string, string>, err: unknown) {
    this.deadLettered.add(1, { group: this.options.groupId });
    this.log.error(`${headers[Header.type]} ${headers[Header.id]} dead-lettered: ${errorCode(err)} ${errorMessage(err)}`);
    // If this send fails the error escapes: the offset is not committed and the batch is retried.
    await this.producer!.send({
      topic: deadLetterTopic(this.options),
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...headers,
            'x-dlq-error-code': errorCode(err),
            'x-dlq-error-message': errorMessage(err).slice(0, 1000),
            'x-dlq-source-topic': topic,
            'x-dlq-source-offset': message.offset,
          },
        },
      ],
    });
  }
}

/** Attaches a Kafka event consumer to an HTTP app; start it with `app.startAllMicroservices()`. */
export function connectKafkaConsumer(app: INestApplication, options: KafkaEventServerOptions): INestMicroservice {
  return app.connectMicroservice({ strategy: new KafkaEventServer(options) });
}

/** A consumer-only Nest application (no HTTP) for `module`'s `@OnEvent` handlers; not yet listening. */
export async function createKafkaConsumer(
  module: Type<unknown>,
  options: KafkaEventServerOptions,
  logger: LoggerService | false = false,
): Promise<INestMicroservice> {
  return NestFactory.createMicroservice(module, { strategy: new KafkaEventServer(options), logger });
}
