import { TestContext } from '@onair/testing';
import { createIdempotentProducer, createKafka, ensureTopics } from '../kafka-options.js';

/**
 * The kafkajs RequestQueue fix (request-queue-idle-timer.ts): an idle connection arms no timers,
 * and requests held back by the in-flight limit still all go out.
 */
describe('kafkajs request queue', () => {
  const ctx = TestContext.create('kafka_request_queue');
  const options = { clientId: 'request-queue-test', brokers: ctx.infra.kafkaBrokers, topicPrefix: ctx.topicPrefix, defaultPartitions: 1 };
  const topic = `${ctx.topicPrefix}queued`;
  afterAll(() => ctx.cleanup());

  /** Timers armed (setTimeout calls) while `ms` pass with nothing else running in this test. */
  async function timersArmedWithin(ms: number): Promise<number> {
    const spy = jest.spyOn(global, 'setTimeout');
    try {
      await new Promise<void>((resolve) => {
        const started = Date.now();
        // setImmediate, not setTimeout, so the wait itself arms no timer.
        const poll = () => (Date.now() - started >= ms ? resolve() : setImmediate(poll));
        poll();
      });
      return spy.mock.calls.length;
    } finally {
      spy.mockRestore();
    }
  }

  it('arms no timer on a connected, idle client (kafkajs alone re-armed one every millisecond per connection)', async () => {
    const kafka = createKafka(options);
    await ensureTopics(kafka, options, [topic]);
    const producer = createIdempotentProducer(kafka);
    await producer.connect();
    try {
      await producer.send({ topic, messages: [{ value: 'warm-up' }] });
      // Two connections are open (the seed broker's and the partition leader's).
      expect(await timersArmedWithin(300)).toBeLessThan(10);
    } finally {
      await producer.disconnect();
    }
  });

  it('sends every request queued behind the in-flight limit of one', async () => {
    const kafka = createKafka(options);
    await ensureTopics(kafka, options, [topic]);
    const producer = createIdempotentProducer(kafka); // maxInFlightRequests: 1
    await producer.connect();
    try {
      const sends = Array.from({ length: 40 }, (_, i) => producer.send({ topic, messages: [{ value: `queued-${i}` }] }));
      const results = await Promise.all(sends);
      expect(results.flat().every((r) => r.errorCode === 0)).toBe(true);
    } finally {
      await producer.disconnect();
    }
    const admin = kafka.admin();
    await admin.connect();
    const [partition] = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    expect(Number(partition.high)).toBeGreaterThanOrEqual(41);
  });
});
