import { create } from '@bufbuild/protobuf';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import { SessionsRevokedEvent, SessionsRevokedSchema, type SessionsRevoked } from '@onair/contracts';
import { PrivateKafka, TestContext } from '@onair/testing';
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

// On a broker of its own: brand new (no __consumer_offsets yet, so the first group's
// coordinator is not there at once), then gone for a while and back.
describe('InstanceEventReader on a new broker that goes away', () => {
  const broker = new PrivateKafka();
  const topicPrefix = 'private.';
  const kafka: KafkaOptions = { brokers: broker.brokers, clientId: 'reader-test', topicPrefix, defaultPartitions: 2 };
  let stop = async () => undefined as unknown;
  afterAll(async () => {
    await stop();
    await broker.remove();
  });

  async function publishTo(n: number): Promise<string[]> {
    const { Kafka, logLevel } = await import('kafkajs');
    const producer = createIdempotentProducer(new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING, retry: { retries: 20 } }));
    await producer.connect();
    const ids = Array.from({ length: n }, () => randomUUID());
    try {
      await producer.send({
        topic: topicPrefix + SessionsRevokedEvent.topic,
        acks: -1,
        messages: ids.map((accountId) =>
          encodeEvent(SessionsRevokedEvent, create(SessionsRevokedSchema, { accountId, sessionIds: [accountId], revokedAt: timestampNow() }), { id: randomUUID(), source: 'test', time: new Date() }),
        ),
      });
    } finally {
      await producer.disconnect();
    }
    return ids;
  }

  it('starts while the group coordinator does not exist yet, and misses nothing published while the broker was away', async () => {
    await broker.start();
    const seen: string[] = [];
    const reader = new InstanceEventReader({
      kafka,
      groupId: 'test.reader',
      ephemeral: true,
      events: [SessionsRevokedEvent],
      from: 'latest',
      handle: ({ message }) => void seen.push((message as SessionsRevoked).accountId),
    });
    stop = () => reader.stop();
    // Used to throw "Consumer group was not initialized": kafkajs restarted the consumer after
    // the coordinator error and had dropped the seeks start() made right after run().
    await reader.start(90_000);
    const before = await publishTo(3);
    await waitFor(() => seen.length === 3, 30_000);

    // The broker goes; the consumer crashes and kafkajs (or the reader) starts it again. The
    // group commits nothing, so without the reader's own positions it would join at the end
    // and skip what was published before it was back.
    await broker.stop();
    await new Promise((r) => setTimeout(r, 3000));
    await broker.start();
    const during = await publishTo(4);
    await waitFor(() => seen.length === 7, 60_000);
    expect(seen.sort()).toEqual([...before, ...during].sort());
  }, 240_000);
});

async function waitFor(predicate: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
