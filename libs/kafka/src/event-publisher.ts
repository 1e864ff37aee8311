import { create, type DescMessage, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import { Logger } from '@nestjs/common';
import type { EventDescriptor } from '@onair/contracts';
import { injectTraceContext } from '@onair/telemetry';
import type { Admin, Kafka, Message, Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { encodeEvent } from './event-record.js';
import { createIdempotentProducer, createKafka, ensureTopics, prefixed, type KafkaOptions } from './kafka-options.js';

interface Pending {
  topic: string;
  message: Message;
  done: (err?: Error) => void;
}

/**
 * Publishes events straight to Kafka, without an outbox: for events that are not the result
 * of a committed state change (live observations such as the SFU's load reports, chat messages
 * at chat rate). Idempotent producer, CloudEvents headers, the caller's trace context.
 *
 * Sends are batched by need: while one request is in flight, new events queue and leave
 * together in the next one, so throughput follows load without a fixed linger, and one key's
 * events keep the order they were published in (one request in flight, idempotence).
 */
export class EventPublisher {
  private readonly log = new Logger('EventPublisher');
  readonly kafka: Kafka;
  private readonly producer: Producer;
  private admin?: Admin;
  private queue: Pending[] = [];
  private sending?: Promise<void>;
  private started = false;

  constructor(
    private readonly options: KafkaOptions,
    /** CloudEvents `source` of every event, e.g. `chat/<pod>`. */
    private readonly source: string,
  ) {
    this.kafka = createKafka(options);
    this.producer = createIdempotentProducer(this.kafka);
  }

  /** Creates the events' topics (if missing) and connects. */
  async start(publishes: EventDescriptor[]): Promise<void> {
    await ensureTopics(this.kafka, this.options, [...new Set(publishes.map((e) => prefixed(this.options, e.topic)))]);
    await this.producer.connect();
    this.started = true;
  }

  /** Resolves once Kafka has the event (acks from all in-sync replicas). */
  publish<D extends DescMessage>(descriptor: EventDescriptor<D>, init: MessageInitShape<D> | MessageShape<D>): Promise<void> {
    if (!this.started) return Promise.reject(new Error(`${descriptor.name}: the publisher is not started`));
    const record = encodeEvent(descriptor, create(descriptor.schema, init as MessageInitShape<D>), { id: randomUUID(), source: this.source, time: new Date() });
    return new Promise((resolve, reject) => {
      this.queue.push({
        topic: prefixed(this.options, descriptor.topic),
        message: { key: record.key, value: record.value, headers: { ...record.headers, ...injectTraceContext() } },
        done: (err) => (err ? reject(err) : resolve()),
      });
      this.sending ??= this.drain();
    });
  }

  /** Fire and forget: a failure is logged (for observations the next one supersedes). */
  publishInBackground<D extends DescMessage>(descriptor: EventDescriptor<D>, init: MessageInitShape<D>): void {
    if (!this.started) return;
    this.publish(descriptor, init).catch((err: Error) => this.log.error(`${descriptor.name} not published: ${err.message}`));
  }

  async stop(): Promise<void> {
    await this.sending;
    this.started = false;
    await this.producer.disconnect().catch(() => undefined);
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

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        const byTopic = new Map<string, Message[]>();
        for (const p of batch) {
          const messages = byTopic.get(p.topic) ?? [];
          messages.push(p.message);
          byTopic.set(p.topic, messages);
        }
        try {
          await this.producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
          for (const p of batch) p.done();
        } catch (err) {
          for (const p of batch) p.done(err as Error);
        }
      }
    } finally {
      this.sending = undefined;
    }
  }
}
