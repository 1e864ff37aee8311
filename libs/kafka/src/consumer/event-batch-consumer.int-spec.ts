import { create } from '@bufbuild/protobuf';
import { AccountCreatedEvent, AccountCreatedSchema, type AccountCreated } from '@onair/contracts';
import { TestContext, waitUntil } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { randomUUID } from 'node:crypto';
import { encodeEvent, Header } from '../event-record.js';
import { createIdempotentProducer } from '../kafka-options.js';
import { EventBatchConsumer, type BatchEvent } from './event-batch-consumer.js';

startTelemetry({ serviceName: 'kafka-test' });

// A partition's batch handed over at once, in order; a failing batch retried whole; an
// undecodable event dead-lettered while the rest of its batch goes on.
describe('EventBatchConsumer', () => {
  const ctx = TestContext.create('kafka_batches');
  const kafka = { clientId: 'kafka-test', brokers: ctx.infra.kafkaBrokers, topicPrefix: ctx.topicPrefix, defaultPartitions: 1 };
  const batches: string[][] = [];
  let failNext = 0;
  const consumer = new EventBatchConsumer({
    kafka,
    groupId: 'kafka-test.batches',
    events: [AccountCreatedEvent],
    handle: async (events: BatchEvent[]) => {
      if (failNext > 0) {
        failNext--;
        throw new Error('the store is down');
      }
      batches.push(events.map((e) => (e.message as AccountCreated).handle));
    },
  });
  const producer = createIdempotentProducer(ctx.kafka());
  const record = (handle: string) => encodeEvent(AccountCreatedEvent, create(AccountCreatedSchema, { accountId: randomUUID(), handle }), { id: randomUUID(), source: 'test', time: new Date() });

  beforeAll(async () => {
    await new Promise<void>((resolve, reject) => consumer.listen((err) => (err ? reject(err) : resolve())));
    await producer.connect();
  });
  afterAll(async () => {
    await consumer.close();
    await producer.disconnect();
    await ctx.cleanup();
  });

  it('hands over what was published together as one batch, in order', async () => {
    await producer.send({ topic: ctx.topicPrefix + AccountCreatedEvent.topic, acks: -1, messages: ['a1', 'a2', 'a3', 'a4'].map(record) });
    await waitUntil(() => batches.flat().includes('a4'), 15_000, 'the batch');
    expect(batches.flat()).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(batches.length).toBeLessThan(4);
  });

  it('retries a failed batch whole until it applies, losing nothing', async () => {
    failNext = 2;
    await producer.send({ topic: ctx.topicPrefix + AccountCreatedEvent.topic, acks: -1, messages: ['b1', 'b2'].map(record) });
    await waitUntil(() => batches.flat().includes('b2'), 20_000, 'the batch after two failures');
    expect(failNext).toBe(0);
    expect(batches.flat().filter((h) => h.startsWith('b'))).toEqual(['b1', 'b2']);
  });

  it('dead-letters an undecodable event and applies the others of its batch', async () => {
    const broken = { key: 'x', value: Buffer.from([0xff, 0xff, 0xff]), headers: { [Header.id]: randomUUID(), [Header.type]: AccountCreatedEvent.name } };
    await producer.send({ topic: ctx.topicPrefix + AccountCreatedEvent.topic, acks: -1, messages: [record('c1'), broken, record('c2')] });
    await waitUntil(() => batches.flat().includes('c2'), 15_000, 'the rest of the batch');
    expect(batches.flat().filter((h) => h.startsWith('c'))).toEqual(['c1', 'c2']);
    const dlq = ctx.kafka().consumer({ groupId: `${ctx.topicPrefix}dlq-reader` });
    const seen: Array<Record<string, string>> = [];
    await dlq.connect();
    await dlq.subscribe({ topic: consumer.deadLetterTopic, fromBeginning: true });
    await dlq.run({ eachMessage: async ({ message }) => void seen.push(Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]))) });
    await waitUntil(() => seen.length === 1, 15_000, 'the dead letter');
    await dlq.disconnect();
    expect(seen[0]).toMatchObject({ 'x-dlq-error-code': 'KAFKA.UNDECODABLE_EVENT', [Header.id]: broken.headers[Header.id] });
  });
});
