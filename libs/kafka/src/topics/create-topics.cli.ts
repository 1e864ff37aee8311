// Creates OnAir's Kafka topics before the services start, for clusters that forbid automatic
// topic creation (the umbrella chart's topics Job runs it in a service image:
// node /app/libs/kafka/dist/topics/create-topics.cli.js). Idempotent: existing topics are left
// as they are. Exits 1 with the reason on any failure, 2 on bad input.
//
//   KAFKA_BROKERS             host:port[,host:port…]
//   KAFKA_TOPICS              name:partitions[,name:partitions…] (commas or newlines)
//   KAFKA_TOPIC_PREFIX        prepended to every name (what the services' KAFKA_TOPIC_PREFIX is)
//   KAFKA_REPLICATION_FACTOR  replicas of each new topic's partitions (default 3; 1 for a
//                             single broker). kafkajs' CreateTopics cannot ask for the broker's
//                             default, so it is always explicit.
import { Kafka, logLevel } from 'kafkajs';
import { createTopics } from './create-topics.js';
import { parseTopicList, type TopicSpec } from './topic-list.js';

interface Input {
  brokers: string[];
  topics: TopicSpec[];
  replicationFactor: number;
}

function readInput(env: NodeJS.ProcessEnv): Input {
  const brokers = (env.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is empty: give host:port[,host:port…]');
  const prefix = env.KAFKA_TOPIC_PREFIX ?? '';
  const topics = parseTopicList(env.KAFKA_TOPICS ?? '').map((t) => ({ ...t, name: `${prefix}${t.name}` }));
  const replicationFactor = Number(env.KAFKA_REPLICATION_FACTOR || '3');
  if (!Number.isInteger(replicationFactor) || replicationFactor < 1) {
    throw new Error(`KAFKA_REPLICATION_FACTOR must be a positive integer, not "${env.KAFKA_REPLICATION_FACTOR}"`);
  }
  return { brokers, topics, replicationFactor };
}

async function main(): Promise<void> {
  let input: Input;
  try {
    input = readInput(process.env);
  } catch (err) {
    console.error(`create-topics: ${(err as Error).message}`);
    process.exit(2);
  }
  const kafka = new Kafka({ clientId: 'onair-create-topics', brokers: input.brokers, logLevel: logLevel.NOTHING, retry: { retries: 5 } });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const outcomes = await createTopics(admin, input.topics, input.replicationFactor);
    for (const o of outcomes) {
      const what = o.created ? 'created' : 'exists';
      const note = o.partitions < o.wanted ? ` (fewer than the ${o.wanted} asked: left as is; add partitions with kafka-topics --alter if you mean to)` : '';
      console.log(`${o.topic}: ${what}, ${o.partitions} partitions${note}`);
    }
    const made = outcomes.filter((o) => o.created).length;
    console.log(`create-topics: ${outcomes.length} topics ready on ${input.brokers.join(',')} (${made} created)`);
  } catch (err) {
    console.error(`create-topics: failed against ${input.brokers.join(',')}: ${(err as Error).message}`);
    process.exitCode = 1;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

void main();
