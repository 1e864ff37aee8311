import { Logger } from '@nestjs/common';
import { createKafka, headersToStrings, type KafkaOptions } from '@onair/kafka';
import { meter } from '@onair/telemetry';
import { AssignerProtocol, type Consumer, type Kafka, type KafkaMessage, type PartitionAssigner } from 'kafkajs';
import { randomBytes } from 'node:crypto';

/** A record of the room topic as a feed hands it over. */
export interface FeedRecord {
  partition: number;
  offset: bigint;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
}

/** An assigner that gives its (only) member exactly one partition of the topic. */
function onePartition(topic: string, partition: number): PartitionAssigner {
  return () => ({
    name: 'OnAirOnePartition',
    version: 1,
    async assign({ members }) {
      return members.map((m, i) => ({
        memberId: m.memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 1,
          assignment: i === 0 ? { [topic]: [partition] } : {},
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }) {
      return { name: 'OnAirOnePartition', metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }) };
    },
  });
}

interface Feed {
  consumer: Consumer;
  idleSince?: number;
}

/**
 * This pod's readers of the room topic: one per partition that holds a room with sockets on
 * this pod, and no other (PROTOCOL.md, "Across pods"). A feed starts at the partition's end
 * as it was when the first room asked for it, so nothing published after a socket joined is
 * missed, and stops a while after its last room left (rooms come back; feeds are not free).
 *
 * kafkajs reads only through consumer groups: each feed is its own group of one member, with an
 * assigner that hands it its one partition, and commits nothing (its position lives as long as
 * the pod does: a new pod has no sockets to deliver older messages to).
 */
export class PartitionFeeds {
  private readonly log = new Logger('PartitionFeeds');
  private readonly kafka: Kafka;
  private readonly feeds = new Map<number, Promise<Feed>>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly options: KafkaOptions,
    private readonly topic: string,
    private readonly podId: string,
    private readonly deliver: (records: FeedRecord[]) => Promise<void>,
    private readonly idleMs = 30_000,
  ) {
    this.kafka = createKafka(options);
    meter('chat')
      .createObservableGauge('chat_partition_feeds', { description: 'partitions of the room topic this pod reads' })
      .addCallback((r) => r.observe(this.feeds.size));
    this.sweeper = setInterval(() => void this.sweep(), Math.max(1000, idleMs / 3)).unref();
  }

  get partitions(): number[] {
    return [...this.feeds.keys()];
  }

  /** Reads `partition` from now on (idempotent); resolves once the feed is in place. */
  async want(partition: number): Promise<void> {
    let feed = this.feeds.get(partition);
    if (!feed) {
      feed = this.open(partition);
      feed.catch(() => this.feeds.delete(partition));
      this.feeds.set(partition, feed);
    }
    (await feed).idleSince = undefined;
  }

  /** No room of this pod needs `partition` any more: its feed stops after `idleMs` unless wanted again. */
  async release(partition: number): Promise<void> {
    const feed = await this.feeds.get(partition)?.catch(() => undefined);
    if (feed) feed.idleSince ??= Date.now();
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const feeds = [...this.feeds.values()];
    this.feeds.clear();
    await Promise.all(feeds.map(async (f) => (await f.catch(() => undefined))?.consumer.disconnect().catch(() => undefined)));
  }

  private async open(partition: number): Promise<Feed> {
    const admin = this.kafka.admin();
    await admin.connect();
    const end = await admin.fetchTopicOffsets(this.topic).finally(() => admin.disconnect());
    const start = end.find((p) => p.partition === partition)?.high ?? '0';
    const consumer = this.kafka.consumer({
      groupId: `${this.options.topicPrefix ?? ''}chat.delivery.${this.podId}.${partition}.${randomBytes(4).toString('hex')}`,
      partitionAssigners: [onePartition(this.topic, partition)],
      maxWaitTimeInMs: 100,
      allowAutoTopicCreation: false,
    });
    let next = start;
    // Seeking at each join (kafkajs emits it before its first fetch), not after run(): a consumer
    // that kafkajs restarts after a retriable failure forgets its seeks, and run() may return
    // before the group exists at all (seek then throws).
    const joined = new Promise<void>((resolve) =>
      consumer.on(consumer.events.GROUP_JOIN, () => {
        consumer.seek({ topic: this.topic, partition, offset: next });
        resolve();
      }),
    );
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.partition === partition) next = String(Number(payload.lastOffset) + 1);
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      // A batch at a time: a room's burst of messages leaves as one frame per socket.
      eachBatch: async ({ batch }) => {
        const records = batch.messages.filter((m): m is KafkaMessage & { value: Buffer } => m.value !== null).map((m) => toRecord(batch.partition, m));
        if (records.length > 0) await this.deliver(records).catch((err: Error) => this.log.error(`delivery failed: ${err.stack ?? err}`));
      },
    });
    await joined;
    this.log.debug?.(`reading partition ${partition} from offset ${start}`);
    return { consumer };
  }

  private async sweep(): Promise<void> {
    const now = Date.now();
    for (const [partition, pending] of this.feeds) {
      const feed = await pending.catch(() => undefined);
      if (!feed?.idleSince || now - feed.idleSince < this.idleMs) continue;
      this.feeds.delete(partition);
      await feed.consumer.disconnect().catch(() => undefined);
    }
  }
}

function toRecord(partition: number, m: KafkaMessage & { value: Buffer }): FeedRecord {
  return { partition, offset: BigInt(m.offset), key: m.key?.toString('utf8') ?? null, value: m.value, headers: headersToStrings(m.headers) };
}
