import { create, type DescMessage, type MessageInitShape } from '@bufbuild/protobuf';
import { Logger } from '@nestjs/common';
import { NodeLoadReportedEvent, PublisherJoinedEvent, type EventDescriptor } from '@onair/contracts';
import { createIdempotentProducer, createKafka, encodeEvent, ensureTopics, prefixed, type KafkaOptions } from '@onair/kafka';
import { injectTraceContext } from '@onair/telemetry';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';

/**
 * Publishes the SFU's events straight to Kafka. This service has no database, hence no
 * outbox: the events are observations of live media (a lost periodic report is superseded by
 * the next one; PublisherJoined/Left are also re-derived by stream-sessions' auto-end timer).
 */
export class MediaEventsPublisher {
  private readonly log = new Logger('MediaEvents');
  readonly kafka: Kafka;
  private readonly producer: Producer;
  private admin?: Admin;
  private readonly inFlight = new Set<Promise<unknown>>();
  private started = false;

  constructor(
    private readonly options: KafkaOptions,
    private readonly source: string,
  ) {
    this.kafka = createKafka(options);
    this.producer = createIdempotentProducer(this.kafka);
  }

  async start(): Promise<void> {
    const topics = [PublisherJoinedEvent.topic, NodeLoadReportedEvent.topic].map((t) => prefixed(this.options, t));
    await ensureTopics(this.kafka, this.options, topics);
    await this.producer.connect();
    this.started = true;
  }

  /** Sends in the background; a failure is logged (the next report supersedes a lost one). */
  publish<D extends DescMessage>(descriptor: EventDescriptor<D>, init: MessageInitShape<D>): void {
    if (!this.started) return;
    const record = encodeEvent(descriptor, create(descriptor.schema, init), { id: randomUUID(), source: this.source, time: new Date() });
    const sending = this.producer
      .send({
        topic: prefixed(this.options, descriptor.topic),
        messages: [{ ...record, headers: { ...record.headers, ...injectTraceContext() } }],
      })
      .catch((err: Error) => this.log.error(`${descriptor.name} not published: ${err.message}`))
      .finally(() => this.inFlight.delete(sending));
    this.inFlight.add(sending);
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
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
}
