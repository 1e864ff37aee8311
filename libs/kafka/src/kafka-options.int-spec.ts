import { TestContext } from '@onair/testing';
import { createKafka, ensureTopics } from './kafka-options.js';

/**
 * Services starting together (an SFU node, stream-sessions, a second SFU node) create the same
 * topics at the same moment; every one of them must come up, none may die of the race (the
 * losers see TOPIC_ALREADY_EXISTS, and under CPU starvation UNKNOWN_TOPIC_OR_PARTITION while
 * leaders are elected; the latter was seen only on a starved machine, not reliably here).
 */
describe('ensureTopics', () => {
  const ctx = TestContext.create('kafka_topics');
  const options = { clientId: 'topics-test', brokers: ctx.infra.kafkaBrokers, topicPrefix: ctx.topicPrefix, defaultPartitions: 6 };
  afterAll(() => ctx.cleanup());

  it('lets many processes create the same topics at once, each able to subscribe right after', async () => {
    for (let round = 0; round < 3; round++) {
      const topics = ['a', 'b', 'c'].map((t) => `${ctx.topicPrefix}race-${round}-${t}`);
      // Each racer then subscribes at once, as a service's consumer does after ensureTopics.
      const racers = Array.from({ length: 8 }, async (_, i) => {
        const kafka = createKafka(options);
        await ensureTopics(kafka, options, topics);
        const consumer = kafka.consumer({ groupId: `${ctx.topicPrefix}race-${round}-${i}` });
        await consumer.connect();
        try {
          await consumer.subscribe({ topics });
        } finally {
          await consumer.disconnect();
        }
      });
      await expect(Promise.all(racers)).resolves.toHaveLength(8);
      const admin = createKafka(options).admin();
      await admin.connect();
      const { topics: described } = await admin.fetchTopicMetadata({ topics });
      await admin.disconnect();
      expect(described.map((t) => t.partitions.length)).toEqual([6, 6, 6]);
    }
  }, 60_000);
});
