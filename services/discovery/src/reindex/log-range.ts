import type { EventDescriptor } from '@onair/contracts';
import { createKafka, decodeEvent, Header, headersToStrings, prefixed, type BatchEvent, type KafkaOptions } from '@onair/kafka';
import { randomBytes } from 'node:crypto';

/** Next offset per `topic:partition` (prefixed topic names). */
export type LogPositions = Map<string, bigint>;

const key = (topic: string, partition: number) => `${topic}:${partition}`;

/** Where the topics of `events` end now: every event published so far lies before these. */
export async function logEnds(kafka: KafkaOptions, events: EventDescriptor[]): Promise<LogPositions> {
  const admin = createKafka(kafka).admin();
  await admin.connect();
  try {
    const ends: LogPositions = new Map();
    for (const topic of new Set(events.map((e) => prefixed(kafka, e.topic)))) {
      for (const p of await admin.fetchTopicOffsets(topic)) ends.set(key(topic, p.partition), BigInt(p.high));
    }
    return ends;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads the events of `events` from `from` up to (not including) `to` on every partition, and
 * hands each partition's batches to `apply` in order: a reindex catching up with what happened
 * while it read the source of truth. Its own consumer group, which commits nothing.
 */
export async function readLogRange(options: { kafka: KafkaOptions; events: EventDescriptor[]; from: LogPositions; to: LogPositions; apply: (events: BatchEvent[]) => Promise<void> }): Promise<number> {
  const next = new Map([...options.to.keys()].map((k) => [k, options.from.get(k) ?? 0n]));
  const pending = () => [...options.to].filter(([k, end]) => next.get(k)! < end);
  if (pending().length === 0) return 0;
  const byName = new Map(options.events.map((e) => [e.name, e]));
  const topics = [...new Set(options.events.map((e) => prefixed(options.kafka, e.topic)))];
  const consumer = createKafka(options.kafka).consumer({ groupId: prefixed(options.kafka, `discovery.reindex.${randomBytes(6).toString('hex')}`), maxWaitTimeInMs: 200, allowAutoTopicCreation: false });
  let applied = 0;
  let done!: () => void;
  let failed!: (err: Error) => void;
  const finished = new Promise<void>((resolve, reject) => ((done = resolve), (failed = reject)));
  // At every (re)join, before kafkajs fetches: back to where this range is.
  consumer.on(consumer.events.GROUP_JOIN, () => {
    for (const [k, offset] of next) {
      const at = k.lastIndexOf(':');
      consumer.seek({ topic: k.slice(0, at), partition: Number(k.slice(at + 1)), offset: String(offset) });
    }
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) failed(payload.error);
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const k = key(batch.topic, batch.partition);
        const end = options.to.get(k) ?? 0n;
        const events: BatchEvent[] = [];
        for (const m of batch.messages) {
          const offset = BigInt(m.offset);
          if (offset < next.get(k)! || offset >= end) continue;
          const headers = headersToStrings(m.headers);
          const descriptor = byName.get(headers[Header.type] ?? '');
          // Undecodable events went to the live consumer's dead-letter topic: skipped here too.
          if (!descriptor || !m.value) continue;
          try {
            events.push({ descriptor, message: decodeEvent(descriptor, m.value), key: m.key?.toString('utf8') ?? null, topic: descriptor.topic, partition: batch.partition, offset, eventId: headers[Header.id] ?? '' });
          } catch {
            continue;
          }
        }
        if (events.length > 0) await options.apply(events);
        applied += events.length;
        const last = BigInt(batch.lastOffset()) + 1n;
        next.set(k, last > end ? end : last);
        if (pending().length === 0) done();
      },
    });
    await finished;
    return applied;
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
}
