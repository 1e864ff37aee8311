import type { Admin } from 'kafkajs';
import type { TopicSpec } from './topic-list.js';

/** What `createTopics` found or did for one topic. */
export interface TopicOutcome {
  topic: string;
  /** Partitions asked for. */
  wanted: number;
  /** Partitions the topic has now. */
  partitions: number;
  created: boolean;
}

const ATTEMPTS = 10;

/**
 * Creates the topics that do not exist, each with its partitions and `replicationFactor`, and
 * waits until every partition of every listed topic has a leader. Existing topics are never
 * changed: adding partitions moves keys to other partitions (chat rooms, a broadcast's events),
 * so that stays an operator's decision; the outcome reports the difference instead.
 * Safe to run again and to race with services creating their topics at boot.
 */
export async function createTopics(admin: Admin, topics: TopicSpec[], replicationFactor: number): Promise<TopicOutcome[]> {
  const names = topics.map((t) => t.name);
  let created = new Set<string>();
  for (let attempt = 1; ; attempt++) {
    try {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t.name) && !created.has(t.name));
      if (missing.length > 0) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((t) => ({ topic: t.name, numPartitions: t.partitions, replicationFactor })),
        });
        created = new Set([...created, ...missing.map((t) => t.name)]);
      }
      const { topics: described } = await admin.fetchTopicMetadata({ topics: names });
      const ready = described.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
      if (ready) {
        const partitions = new Map(described.map((t) => [t.name, t.partitions.length]));
        return topics.map((t) => ({ topic: t.name, wanted: t.partitions, partitions: partitions.get(t.name) ?? 0, created: created.has(t.name) }));
      }
      if (attempt >= ATTEMPTS) throw new Error(`topics without partition leaders after ${ATTEMPTS} attempts`);
    } catch (err) {
      // A service creating the same topic at the same moment makes ours fail with
      // TOPIC_ALREADY_EXISTS, or the metadata answer UNKNOWN_TOPIC_OR_PARTITION until its
      // leaders are elected: both retriable. Anything else (no broker, a replication factor
      // above the broker count, authorisation) is for the operator.
      if (!(err as { retriable?: boolean }).retriable && (err as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw err;
      if (attempt >= ATTEMPTS) throw err;
    }
    await new Promise((r) => setTimeout(r, 200 * attempt));
  }
}
