import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Logger } from '@nestjs/common';
import { GoLiveChunkEvent } from '@onair/contracts';
import type { EventPublisher } from '@onair/kafka';
import type { DataSource } from 'typeorm';

/** Chunks published per page read from social-graph, within its page limit of 10,000 ids. */
const CHUNKS_PER_PAGE = 8;
const PAGE_LIMIT = 10_000;

interface Job {
  broadcast_id: string;
  owner_id: string;
  title: string;
  audience: 'followers' | 'circle';
  circle_id: string | null;
  started_at: Date;
  cursor: string | null;
}

/** The audience of a go-live, from social-graph, in pages ordered by account id, after `startAfter`. */
export interface AudienceSource {
  followers(ownerId: string, options: { pageSize: number; startAfter?: string }): AsyncIterable<string[]>;
  /** undefined: the circle is gone, or is not the broadcaster's. */
  circleMembers(circleId: string, ownerId: string, options: { pageSize: number; startAfter?: string }): AsyncIterable<string[]>;
}

/**
 * Fans go-lives out: a pod leases a pending job, streams the audience from social-graph in
 * pages, publishes each page as a chunk on notifications.fanout.v1 (keyed by chunk id, so chunks
 * spread over its partitions and many consumers deliver at once), and records how far it got,
 * renewing its lease. A pod that dies leaves a lease that runs out; the next pod to take the job
 * goes on after the last recorded recipient (the chunk published just before a crash may come
 * twice: delivery counts each recipient once).
 */
export class FanoutRunner {
  private readonly log = new Logger('FanoutRunner');
  private timer?: NodeJS.Timeout;
  private running = false;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    private readonly audience: AudienceSource,
    private readonly options: { podId: string; chunk: number; leaseMs: number; pollMs?: number },
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.runOnce(), this.options.pollMs ?? 200);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    while (this.running) await new Promise((r) => setTimeout(r, 50));
  }

  /** Takes jobs while there are any; one at a time per pod (each is spread over all consumers anyway). */
  async runOnce(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    try {
      for (let job = await this.lease(); job && !this.stopped; job = await this.lease()) await this.fanOut(job);
    } catch (err) {
      this.log.error(`fan-out failed, retried after its lease: ${(err as Error).stack ?? err}`);
    } finally {
      this.running = false;
    }
  }

  private async lease(): Promise<Job | undefined> {
    const [rows] = await this.dataSource.query(
      `UPDATE fanout_job SET lease_owner = $1, lease_until = now() + $2 * interval '1 millisecond'
        WHERE broadcast_id = (SELECT broadcast_id FROM fanout_job
                               WHERE done_at IS NULL AND (lease_until IS NULL OR lease_until < now())
                               ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING broadcast_id, owner_id, title, audience, circle_id, started_at, cursor`,
      [this.options.podId, this.options.leaseMs],
    );
    return (rows as Job[])[0];
  }

  private async fanOut(job: Job): Promise<void> {
    const { chunk } = this.options;
    // Several chunks per page: they are published together (one Kafka request, the publisher
    // batches what is queued) and the cursor moves once per page, so a go-live to 100,000 is a
    // dozen round trips rather than a hundred.
    const pageSize = chunk * Math.max(1, Math.min(CHUNKS_PER_PAGE, Math.floor(PAGE_LIMIT / chunk)));
    const pages =
      job.audience === 'circle' && job.circle_id
        ? this.audience.circleMembers(job.circle_id, job.owner_id, { pageSize, startAfter: job.cursor ?? undefined })
        : this.audience.followers(job.owner_id, { pageSize, startAfter: job.cursor ?? undefined });
    for await (const recipients of pages) {
      if (this.stopped) return;
      if (recipients.length === 0) continue;
      const chunks: string[][] = [];
      for (let i = 0; i < recipients.length; i += chunk) chunks.push(recipients.slice(i, i + chunk));
      await Promise.all(
        chunks.map((recipientIds) =>
          this.publisher.publish(GoLiveChunkEvent, {
            chunkId: `${job.broadcast_id}:${recipientIds[0]}`,
            broadcastId: job.broadcast_id,
            ownerId: job.owner_id,
            title: job.title,
            startedAt: timestampFromDate(job.started_at),
            recipientIds,
          }),
        ),
      );
      const [, renewed] = await this.dataSource.query(
        `UPDATE fanout_job SET cursor = $3, chunks = chunks + $6, recipients = recipients + $4, lease_until = now() + $5 * interval '1 millisecond'
          WHERE broadcast_id = $1 AND lease_owner = $2`,
        [job.broadcast_id, this.options.podId, recipients[recipients.length - 1], recipients.length, this.options.leaseMs, chunks.length],
      );
      // Another pod took over (this one was too slow to renew): it goes on from the cursor.
      if (renewed === 0) return;
    }
    await this.dataSource.query(`UPDATE fanout_job SET done_at = now(), lease_owner = NULL, lease_until = NULL WHERE broadcast_id = $1 AND lease_owner = $2`, [job.broadcast_id, this.options.podId]);
  }
}
