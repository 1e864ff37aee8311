import { Logger } from '@nestjs/common';
import type { EventDescriptor } from '@onair/contracts';
import { extractTraceContext, SpanKind, withSpan } from '@onair/telemetry';
import type { Consumer } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { decodeEvent, Header, headersToStrings } from '../event-record.js';
import { createKafka, ensureTopics, prefixed, type KafkaOptions } from '../kafka-options.js';

/** Where a reader starts when its group has no committed offsets of its own. */
export type ReadFrom = 'earliest' | 'latest' | { since: Date };

export interface InstanceEventReaderOptions {
  kafka: KafkaOptions;
  /**
   * Consumer group, unprefixed. Give each process its own (e.g. `<service>.<purpose>.<node id>`),
   * so every instance reads every partition rather than sharing them.
   */
  groupId: string;
  /**
   * A group for this process only: a random suffix is added and nothing is committed, so the
   * group leaves nothing behind in Kafka when the process stops (use with `from: { since }`).
   */
  ephemeral?: boolean;
  events: EventDescriptor[];
  /** Ignored by a group that has committed offsets, unless `since` is given (always honoured). */
  from: ReadFrom;
  /** Applied in memory: must be idempotent (redelivery after a restart or rebalance is normal). */
  handle: (event: { descriptor: EventDescriptor; message: unknown; key: string | null }) => void | Promise<void>;
}

/**
 * Reads events that every instance of a service must see (revoked sessions, ended broadcasts,
 * revoked admissions), unlike KafkaEventServer, whose group shares partitions among instances
 * and marks events processed in PostgreSQL. The effect lives in the instance's memory, so the
 * handler must be idempotent. `start()` returns once the reader has caught up with what the
 * topics held when it started, so an instance does not serve before it knows the past it needs.
 * An undecodable event is logged and skipped: a reader that stopped would leave stale state.
 */
export class InstanceEventReader {
  private readonly log = new Logger('InstanceEventReader');
  private consumer?: Consumer;
  private stopped = false;
  private restart?: NodeJS.Timeout;
  /**
   * Next offset to read per `topic:partition`: where start() seeks, then what the reader has
   * processed. Every group join seeks here, because kafkajs forgets seeks when it restarts a
   * consumer after a retriable failure (a coordinator not there yet on a new broker: seeking
   * right after run() then threw), and an ephemeral group commits nothing to resume from.
   */
  private readonly positions = new Map<string, { topic: string; partition: number; offset: number }>();
  private readonly byName: Map<string, EventDescriptor>;

  readonly groupId: string;

  constructor(private readonly options: InstanceEventReaderOptions) {
    this.byName = new Map(options.events.map((e) => [e.name, e]));
    const suffix = options.ephemeral ? `.${randomBytes(6).toString('hex')}` : '';
    this.groupId = prefixed(options.kafka, `${options.groupId}${suffix}`);
  }

  async start(timeoutMs = 30_000): Promise<void> {
    const kafka = createKafka(this.options.kafka);
    const topics = [...new Set(this.options.events.map((e) => prefixed(this.options.kafka, e.topic)))];
    // Created here too, so a reader does not depend on the publisher having booted first.
    await ensureTopics(kafka, this.options.kafka, topics);
    const starts = await retryRetriable(() => this.startOffsets(kafka, topics));
    for (const p of starts.seeks) this.positions.set(`${p.topic}:${p.partition}`, p);
    const consumer = kafka.consumer({ groupId: this.groupId, maxWaitTimeInMs: 250, allowAutoTopicCreation: false });
    this.consumer = consumer;
    // Caught up when every partition's next offset reaches the end it had at start.
    const pending = new Map(starts.ends.filter((p) => p.end > p.from).map((p) => [`${p.topic}:${p.partition}`, p.end]));
    let caughtUp!: () => void;
    const done = new Promise<void>((resolve) => (caughtUp = resolve));
    const progressed = (topic: string, partition: number, next: number) => {
      const key = `${topic}:${partition}`;
      if (pending.has(key) && next >= pending.get(key)!) pending.delete(key);
      if (pending.size === 0) caughtUp();
    };
    // Per batch, not per message: a batch of transaction markers alone (the outbox relay writes
    // in transactions) has no message, but it moves the partition on.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const next = Number(payload.lastOffset) + 1;
      this.positions.set(`${payload.topic}:${payload.partition}`, { topic: payload.topic, partition: payload.partition, offset: next });
      progressed(payload.topic, payload.partition, next);
    });
    // Emitted by kafkajs before its first fetch after each (re)join, so no batch comes first.
    consumer.on(consumer.events.GROUP_JOIN, () => {
      for (const p of this.positions.values()) consumer.seek({ topic: p.topic, partition: p.partition, offset: String(p.offset) });
    });
    // kafkajs restarts the consumer after a retriable failure by itself; after any other, this
    // instance would silently stop following (and, say, accept revoked tokens): start over.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.startAgainLater(payload.error);
    });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: this.options.from !== 'latest' });
    await consumer.run({
      autoCommit: !this.options.ephemeral,
      eachMessage: async ({ topic, message }) => {
        await this.apply(topic, message.key?.toString('utf8') ?? null, message.value, headersToStrings(message.headers));
      },
    });
    if (pending.size === 0) caughtUp();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.groupId}: not caught up with ${[...pending.keys()].join(', ')} within ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([done, timeout]).finally(() => clearTimeout(timer));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restart);
    await this.consumer?.disconnect().catch(() => undefined);
  }

  private startAgainLater(error: Error): void {
    if (this.stopped || this.restart) return;
    this.log.error(`${this.groupId} stopped (${error.message}); starting again in 5 s`);
    this.restart = setTimeout(() => {
      this.restart = undefined;
      void (async () => {
        await this.consumer?.disconnect().catch(() => undefined);
        if (this.stopped) return;
        await this.start().catch((err: Error) => this.startAgainLater(err));
      })();
    }, 5000);
    this.restart.unref();
  }

  /** Where to seek (for `since`) and where each partition ends now (to know when the past is read). */
  private async startOffsets(kafka: ReturnType<typeof createKafka>, topics: string[]) {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const ends: Array<{ topic: string; partition: number; from: number; end: number }> = [];
      const seeks: Array<{ topic: string; partition: number; offset: number }> = [];
      // An ephemeral group never committed anything (and its coordinator may not exist yet).
      const groupOffsets = this.options.ephemeral ? [] : await admin.fetchOffsets({ groupId: this.groupId, topics });
      for (const topic of topics) {
        const bounds = await admin.fetchTopicOffsets(topic);
        const committed = groupOffsets.find((t) => t.topic === topic)?.partitions ?? [];
        const since = typeof this.options.from === 'object' ? await admin.fetchTopicOffsetsByTimestamp(topic, this.options.from.since.getTime()) : [];
        for (const b of bounds) {
          const end = Number(b.high);
          const own = Number(committed.find((c) => c.partition === b.partition)?.offset ?? -1);
          const at = since.find((s) => s.partition === b.partition);
          const processed = this.positions.get(`${topic}:${b.partition}`);
          let from: number;
          // Started again after a failure: go on from what was processed, past or no past.
          if (processed) from = processed.offset;
          else if (at) from = Number(at.offset) < 0 ? end : Number(at.offset);
          else if (own >= 0) from = own;
          else from = this.options.from === 'latest' ? end : Number(b.low);
          // Seeking explicitly (unless the group resumes) leaves no gap between now and the join.
          if (processed || at || own < 0) seeks.push({ topic, partition: b.partition, offset: from });
          ends.push({ topic, partition: b.partition, from, end });
        }
      }
      return { ends, seeks };
    } finally {
      await admin.disconnect();
    }
  }

  private async apply(topic: string, key: string | null, value: Buffer | null, headers: Record<string, string>): Promise<void> {
    const descriptor = this.byName.get(headers[Header.type] ?? '');
    if (!descriptor || !value) return; // another event on a shared topic
    await withSpan(
      `${topic} process`,
      async () => {
        let message: unknown;
        try {
          message = decodeEvent(descriptor, value);
        } catch (err) {
          this.log.error(`undecodable ${descriptor.name} ${headers[Header.id]} skipped: ${(err as Error).message}`);
          return;
        }
        try {
          await this.options.handle({ descriptor, message, key });
        } catch (err) {
          // Retrying would stop the partition behind one event; its effect is in memory anyway.
          this.log.error(`${descriptor.name} ${headers[Header.id]} failed and was skipped: ${(err as Error).stack ?? err}`);
        }
      },
      { parent: extractTraceContext(headers), kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': topic } },
    );
  }
}

/** Retries what a broker answered with a retriable error (a coordinator or leader moving, a topic just made). */
async function retryRetriable<T>(work: () => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (!(err as { retriable?: boolean }).retriable || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}
