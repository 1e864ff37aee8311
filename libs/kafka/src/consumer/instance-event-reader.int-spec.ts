import { create } from '@bufbuild/protobuf';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import { SessionsRevokedEvent, SessionsRevokedSchema, type SessionsRevoked } from '@onair/contracts';
import { TestContext } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { encodeEvent } from '../event-record.js';
import { createIdempotentProducer, ensureTopics, type KafkaOptions } from '../kafka-options.js';
import { InstanceEventReader, type ReadFrom } from './instance-event-reader.js';

// Readers every instance of a service runs for itself: each sees every partition, from where it
// was told to start, and start() returns only once the past it asked for has been read.
describe('InstanceEventReader', () => {
  const ctx = TestContext.create('kafka_instance_reader');
  const kafka: KafkaOptions = { brokers: ctx.infra.kafkaBrokers, clientId: 'reader-test', topicPrefix: ctx.topicPrefix, defaultPartitions: 3 };
  const producer = createIdempotentProducer(ctx.kafka());
  afterAll(async () => {
    await producer.disconnect();
    await ctx.cleanup();
  });

  async function publish(n: number): Promise<string[]> {
    const ids = Array.from({ length: n }, () => randomUUID());
    await producer.send({
      topic: ctx.topicPrefix + SessionsRevokedEvent.topic,
      acks: -1,
      messages: ids.map((accountId) =>
        encodeEvent(SessionsRevokedEvent, create(SessionsRevokedSchema, { accountId, sessionIds: [accountId], revokedAt: timestampNow() }), {
          id: randomUUID(),
          source: 'test',
          time: new Date(),
        }),
      ),
    });
    return ids;
  }

  async function reader(from: ReadFrom) {
    const seen: string[] = [];
    const r = new InstanceEventReader({
      kafka,
      groupId: 'test.reader',
      ephemeral: true,
      events: [SessionsRevokedEvent],
      from,
      handle: ({ message }) => void seen.push((message as SessionsRevoked).accountId),
    });
    ctx.onCleanup(() => r.stop());
    await r.start();
    return { seen, r };
  }

  beforeAll(async () => {
    await ensureTopics(ctx.kafka(), kafka, [ctx.topicPrefix + SessionsRevokedEvent.topic]);
    await producer.connect();
  });

  it('gives every instance every event of every partition, the past included before start() returns', async () => {
    const before = await publish(12);
    const [a, b] = await Promise.all([reader('earliest'), reader('earliest')]);
    // Caught up at start: nothing of the past is still on its way.
    for (const { seen } of [a, b]) expect(seen).toEqual(expect.arrayContaining(before));
    const after = await publish(6);
    await waitFor(() => a.seen.length === 18 && b.seen.length === 18);
    expect(new Set(a.seen)).toEqual(new Set([...before, ...after]));
    expect(a.r.groupId).not.toBe(b.r.groupId);
  });

  it('starts at a point in time, or at the end, leaving no gap before its first event', async () => {
    await publish(4);
    await new Promise((r) => setTimeout(r, 1500));
    const mark = new Date();
    const recent = await publish(3);
    const since = await reader({ since: mark });
    expect(since.seen).toEqual(expect.arrayContaining(recent));
    expect(since.seen).toHaveLength(3);
    const latest = await reader('latest');
    expect(latest.seen).toEqual([]);
    const next = await publish(2);
    await waitFor(() => latest.seen.length === 2);
    expect(latest.seen.sort()).toEqual(next.sort());
  });
});

async function waitFor(predicate: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
