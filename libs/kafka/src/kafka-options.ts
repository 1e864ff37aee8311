import { Kafka, logLevel, Partitioners, type Admin, type Producer } from 'kafkajs';
// Every client the platform makes comes from here: load the fix before the first connection.
import './connection/request-queue-idle-timer.js';

export interface KafkaOptions {
  brokers: string[];
  clientId: string;
  /** Prepended to every topic and consumer group: lets test suites share one broker. */
  topicPrefix?: string;
  /** Partitions for topics created at boot, unless `partitions` names the topic. */
  defaultPartitions: number;
  partitions?: Record<string, number>;
}

export const prefixed = (options: KafkaOptions, name: string) => `${options.topicPrefix ?? ''}${name}`;

export function createKafka(options: KafkaOptions): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 200, retries: 5 },
  });
}

/**
 * Idempotent producer, acks from all in-sync replicas, one request in flight: a retry can
 * neither duplicate nor reorder records of one partition.
 */
export function createIdempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 5000 },
  });
}

const ENSURE_TOPICS_ATTEMPTS = 10;

/** Creates missing topics; existing ones are left as they are. Safe to race with other processes. */
export async function ensureTopics(kafka: Kafka, options: KafkaOptions, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        const existing = new Set(await admin.listTopics());
        const missing = [...new Set(topics)].filter((t) => !existing.has(t));
        if (missing.length > 0) {
          await admin.createTopics({
            waitForLeaders: true,
            topics: missing.map((topic) => ({
              topic,
              numPartitions: options.partitions?.[topic] ?? options.defaultPartitions,
              replicationFactor: 1,
            })),
          });
        }
        // Whoever created them, the topics are usable once every partition has a leader: a topic
        // another process has just created may not have them yet, and a consumer subscribing then
        // fails with UNKNOWN_TOPIC_OR_PARTITION.
        if (await haveLeaders(admin, topics)) return;
        if (attempt >= ENSURE_TOPICS_ATTEMPTS) throw new Error(`topics without partition leaders: ${topics.join(', ')}`);
      } catch (err) {
        // Services starting together create the same topics at once; while a topic another one
        // created is getting its leaders, the broker answers UNKNOWN_TOPIC_OR_PARTITION (a
        // retriable error kafkajs' leader wait does not retry). Look again after a pause.
        if (!(err as { retriable?: boolean }).retriable || attempt >= ENSURE_TOPICS_ATTEMPTS) throw err;
      }
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  } finally {
    await admin.disconnect();
  }
}

async function haveLeaders(admin: Admin, topics: string[]): Promise<boolean> {
  const { topics: described } = await admin.fetchTopicMetadata({ topics: [...new Set(topics)] });
  return described.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
}
