import { create } from '@bufbuild/protobuf';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AccountCreatedEvent, AccountCreatedSchema, type AccountCreated } from '@onair/contracts';
import { openPostgres } from '@onair/postgres';
import { TestContext, waitUntil } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { encodeEvent, headersToStrings } from '../event-record.js';
import { createIdempotentProducer, ensureTopics } from '../kafka-options.js';
import { CreateKafkaOutboxTables1763769600000 } from '../outbox/outbox-tables.migration.js';
import { NonRetriableEventError, RetriableEventError } from './event-errors.js';
import { createKafkaConsumer } from './kafka-event.server.js';
import { OnEvent } from './on-event.decorator.js';

startTelemetry({ serviceName: 'kafka-test' });

// What the handler did, per handle; the handle says how the handler should behave.
const attempts = new Map<string, number>();
const applied: string[] = [];

@Controller()
class Handlers {
  @OnEvent(AccountCreatedEvent)
  async onAccount(@Payload() e: AccountCreated) {
    const n = (attempts.get(e.handle) ?? 0) + 1;
    attempts.set(e.handle, n);
    if (e.handle === 'poison') throw new NonRetriableEventError('TEST.POISON', 'cannot apply this one');
    if (e.handle === 'flaky' && n < 3) throw new RetriableEventError('TEST.FLAKY', `attempt ${n}`);
    if (e.handle === 'down') throw new Error('dependency down');
    applied.push(e.handle);
  }
}

@Module({ controllers: [Handlers] })
class HandlersModule {}

describe('KafkaEventServer: retries, dead letters, duplicates', () => {
  const ctx = TestContext.create('kafka_consumer');
  const kafkaOptions = { clientId: 'kafka-test', brokers: ctx.infra.kafkaBrokers, topicPrefix: ctx.topicPrefix, defaultPartitions: 1 };
  const topic = ctx.topicPrefix + AccountCreatedEvent.topic;
  const dlq = `${ctx.topicPrefix}kafka-test.handlers.dlq`;
  let dataSource: DataSource;
  let server: INestMicroservice;

  beforeAll(async () => {
    dataSource = await openPostgres({ url: ctx.infra.pgUrl, schema: ctx.schema('consumer'), entities: [], migrations: [CreateKafkaOutboxTables1763769600000] });
    server = await createKafkaConsumer(HandlersModule, {
      kafka: kafkaOptions,
      groupId: 'kafka-test.handlers',
      events: [AccountCreatedEvent],
      dataSource,
      maxAttempts: 3,
      retryBackoffMs: 20,
    });
    await server.listen();
  });
  afterAll(async () => {
    await server.close();
    await dataSource.destroy();
    await ctx.cleanup();
  });

  async function publish(handle: string, id = randomUUID()) {
    const kafka = ctx.kafka();
    await ensureTopics(kafka, kafkaOptions, [topic]);
    const producer = createIdempotentProducer(kafka);
    await producer.connect();
    const record = encodeEvent(AccountCreatedEvent, create(AccountCreatedSchema, { accountId: randomUUID(), handle }), {
      id,
      source: 'test',
      time: new Date(),
    });
    await producer.send({ topic, messages: [record] });
    await producer.disconnect();
    return id;
  }

  async function readDeadLetters(count: number) {
    const consumer = ctx.kafka().consumer({ groupId: `${ctx.topicPrefix}dlq-reader-${randomUUID()}`, maxWaitTimeInMs: 200 });
    const got: Array<Record<string, string>> = [];
    await consumer.connect();
    await consumer.subscribe({ topic: dlq, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void got.push(headersToStrings(message.headers)) });
    await waitUntil(() => got.length >= count, 20_000, `${count} dead letters`);
    await consumer.disconnect();
    return got;
  }

  it('applies a good event once even when it is delivered twice', async () => {
    const id = await publish('alice');
    await publish('alice', id);
    await publish('after_alice');
    await waitUntil(() => applied.includes('after_alice'), 20_000, 'events to be applied');
    expect(applied.filter((h) => h === 'alice')).toEqual(['alice']);
    expect(attempts.get('alice')).toBe(1);
  });

  it('retries a retriable failure and then succeeds', async () => {
    await publish('flaky');
    await waitUntil(() => applied.includes('flaky'), 20_000, 'flaky to be applied');
    expect(attempts.get('flaky')).toBe(3);
  });

  it('sends a non-retriable failure to the dead-letter topic at once, with its code, and moves on', async () => {
    await publish('poison');
    await publish('after_poison');
    await waitUntil(() => applied.includes('after_poison'), 20_000, 'the partition to move on');
    expect(attempts.get('poison')).toBe(1);
    const [letter] = (await readDeadLetters(1)).filter((h) => h['x-dlq-error-code'] === 'TEST.POISON');
    expect(letter).toMatchObject({ ce_type: 'account.created.v1', 'x-dlq-source-topic': topic });
  });

  it('dead-letters an unexpected error after the bounded number of attempts', async () => {
    await publish('down');
    await publish('after_down');
    await waitUntil(() => applied.includes('after_down'), 20_000, 'the partition to move on');
    expect(attempts.get('down')).toBe(3);
    const letters = await readDeadLetters(2);
    expect(letters.map((h) => h['x-dlq-error-code'])).toEqual(expect.arrayContaining(['TEST.POISON', 'KAFKA.HANDLER_FAILED']));
  });
});
