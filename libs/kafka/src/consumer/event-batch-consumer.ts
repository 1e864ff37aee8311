import { Logger } from '@nestjs/common';
import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import type { EventDescriptor } from '@onair/contracts';
import { meter, SpanKind, withSpan } from '@onair/telemetry';
import type { Consumer, KafkaMessage, Producer } from 'kafkajs';
import { decodeEvent, Header, headersToStrings } from '../event-record.js';
import { createIdempotentProducer, createKafka, ensureTopics, prefixed, type KafkaOptions } from '../kafka-options.js';

/** One decoded event of a batch, with where it sits in its partition. */
export interface BatchEvent {
  descriptor: EventDescriptor;
  message: unknown;
  key: string | null;
  /** The unprefixed topic (the descriptor's). */
  topic: string;
  partition: number;
  offset: bigint;
  eventId: string;
}

export interface EventBatchConsumerOptions {
  kafka: KafkaOptions;
  /** Consumer group, unprefixed: `<service>.<purpose>`; shared by the service's pods. */
  groupId: string;
  events: EventDescriptor[];
  /**
   * Applies one partition's batch, in offset order. Must be idempotent in effect (a batch is
   * applied again after a crash or rebalance before its commit). Throwing retries the whole
   * batch with backoff, without end: a batch fails as a whole when a dependency is down.
   */
  handle: (events: BatchEvent[]) => Promise<void>;
  maxWaitTimeInMs?: number;
}

/**
 * A Kafka consumer for stores that take writes in bulk (a search index): a partition's batch is
 * decoded and handed over at once, then committed. Unlike KafkaEventServer there is no
 * PostgreSQL transaction per event; the handler makes its writes idempotent itself. An event
 * that cannot be decoded goes to `<group>.dlq` and the batch goes on without it.
 */
export class EventBatchConsumer extends Server implements CustomTransportStrategy {
  private readonly log = new Logger('EventBatchConsumer');
  private readonly failures = meter('kafka').createCounter('kafka_batch_consumer_failures_total');
  private readonly deadLettered = meter('kafka').createCounter('kafka_consumer_dead_lettered_total');
  private readonly byName: Map<string, EventDescriptor>;
  private consumer?: Consumer;
  private producer?: Producer;

  constructor(private readonly options: EventBatchConsumerOptions) {
    super();
    this.byName = new Map(options.events.map((e) => [e.name, e]));
  }

  get deadLetterTopic(): string {
    return prefixed(this.options.kafka, `${this.options.groupId}.dlq`);
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
    const topics = [...new Set(this.options.events.map((e) => prefixed(this.options.kafka, e.topic)))];
    const kafka = createKafka(this.options.kafka);
    await ensureTopics(kafka, this.options.kafka, [...topics, this.deadLetterTopic]);
    this.producer = createIdempotentProducer(kafka);
    await this.producer.connect();
    this.consumer = kafka.consumer({
      groupId: prefixed(this.options.kafka, this.options.groupId),
      maxWaitTimeInMs: this.options.maxWaitTimeInMs ?? 100,
      allowAutoTopicCreation: false,
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: true });
    await this.consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }) => {
        if (batch.messages.length === 0) return;
        const events = await this.decode(batch.topic, batch.partition, batch.messages);
        for (let attempt = 1; isRunning() && !isStale(); attempt++) {
          try {
            if (events.length > 0) await withSpan(`${batch.topic} process`, () => this.options.handle(events), { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': batch.topic, 'messaging.batch.message_count': events.length } });
            resolveOffset(batch.lastOffset());
            await commitOffsetsIfNecessary();
            return;
          } catch (err) {
            this.failures.add(1, { group: this.options.groupId });
            this.log.warn(`${this.options.groupId}: a batch of ${events.length} on ${batch.topic}/${batch.partition} failed (attempt ${attempt}): ${(err as Error).message}`);
            await heartbeat();
            await new Promise((r) => setTimeout(r, Math.min(200 * 2 ** Math.min(attempt, 5), 5000)));
          }
        }
      },
    });
  }

  private async decode(topic: string, partition: number, messages: KafkaMessage[]): Promise<BatchEvent[]> {
    const events: BatchEvent[] = [];
    for (const m of messages) {
      const headers = headersToStrings(m.headers);
      const descriptor = this.byName.get(headers[Header.type] ?? '');
      if (!descriptor) continue; // another consumer's event on a shared topic
      try {
        if (!m.value || !headers[Header.id]) throw new Error('event without id or body');
        const message = decodeEvent(descriptor, m.value);
        events.push({ descriptor, message, key: m.key?.toString('utf8') ?? null, topic: descriptor.topic, partition, offset: BigInt(m.offset), eventId: headers[Header.id] });
      } catch (err) {
        await this.deadLetter(topic, m, headers, (err as Error).message);
      }
    }
    return events;
  }

  private async deadLetter(topic: string, message: KafkaMessage, headers: Record<string, string>, reason: string): Promise<void> {
    this.deadLettered.add(1, { group: this.options.groupId });
    this.log.error(`${headers[Header.type]} ${headers[Header.id]} dead-lettered: ${reason}`);
    // If this send fails the error escapes: nothing is committed and the batch comes again.
    await this.producer!.send({
      topic: this.deadLetterTopic,
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: { ...headers, 'x-dlq-error-code': 'KAFKA.UNDECODABLE_EVENT', 'x-dlq-error-message': reason.slice(0, 1000), 'x-dlq-source-topic': topic, 'x-dlq-source-offset': message.offset },
        },
      ],
    });
  }
}
