import { Logger } from '@nestjs/common';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { HeartsBurstEvent } from '@onair/contracts';
import type { EventPublisher } from '@onair/kafka';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { LocalRoom } from '../delivery/local-room.js';

/**
 * The hearts this pod's viewers tap, gathered per room and sent every interval as one burst:
 * never a frame (nor an event) per tap. Each burst says how many taps the animation shows and
 * how many count toward the total, at most `perViewer` per viewer per broadcast: the tally
 * lives in PostgreSQL, so the cap holds however many sockets or pods a viewer uses.
 */
export class HeartBursts {
  private readonly log = new Logger('HeartBursts');
  /** room → account → taps since the last burst. */
  private pending = new Map<LocalRoom, Map<string, number>>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    private readonly perViewer: number,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  tap(room: LocalRoom, accountId: string, count: number): void {
    const byAccount = this.pending.get(room) ?? new Map<string, number>();
    this.pending.set(room, byAccount);
    byAccount.set(accountId, (byAccount.get(accountId) ?? 0) + count);
  }

  /** Sends what has gathered (one burst per room); a flush in progress is waited for, not doubled. */
  async flush(): Promise<void> {
    this.flushing ??= (async () => {
      const pending = this.pending;
      this.pending = new Map();
      for (const [room, byAccount] of pending) {
        await this.burst(room, byAccount).catch((err: Error) => this.log.error(`hearts of ${room.broadcastId} lost: ${err.message}`));
      }
    })().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async burst(room: LocalRoom, byAccount: Map<string, number>): Promise<void> {
    const accounts = [...byAccount.keys()];
    const taps = [...byAccount.values()];
    const counted = await this.count(room.broadcastId, accounts, taps);
    const now = Date.now();
    await this.publisher.publish(HeartsBurstEvent, {
      broadcastId: room.broadcastId,
      burstId: randomUUID(),
      taps: taps.reduce((a, b) => a + b, 0),
      counted,
      at: timestampFromMs(now),
      offsetMs: room.offsetMs(now),
    });
  }

  /** Adds the taps to each viewer's tally up to the cap; returns how many counted. */
  private count(broadcastId: string, accounts: string[], taps: number[]): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO chat_heart_tally (broadcast_id, account_id, counted)
         SELECT $1, a, 0 FROM unnest($2::uuid[]) AS a ORDER BY a ON CONFLICT DO NOTHING`,
        [broadcastId, accounts],
      );
      // Locked, newest values: another pod adding to the same viewer's tally waits its turn.
      const rows: Array<{ account_id: string; counted: number }> = await manager.query(
        'SELECT account_id, counted FROM chat_heart_tally WHERE broadcast_id = $1 AND account_id = ANY($2::uuid[]) ORDER BY account_id FOR UPDATE',
        [broadcastId, accounts],
      );
      const before = new Map(rows.map((r) => [r.account_id, r.counted]));
      const after = accounts.map((a, i) => Math.min(this.perViewer, (before.get(a) ?? 0) + taps[i]));
      await manager.query(
        `UPDATE chat_heart_tally t SET counted = u.counted FROM unnest($2::uuid[], $3::int[]) AS u(account_id, counted)
          WHERE t.broadcast_id = $1 AND t.account_id = u.account_id`,
        [broadcastId, accounts, after],
      );
      return accounts.reduce((sum, a, i) => sum + (after[i] - (before.get(a) ?? 0)), 0);
    });
  }
}
