import { Inject, Injectable } from '@nestjs/common';
import type { GoLiveChunk } from '@onair/contracts';
import type { EntityManager } from 'typeorm';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from '../config.js';
import { NotificationWriter } from '../inbox/notification-writer.js';
import { wasTakenDown } from '../takedowns/taken-down.js';

/**
 * Tells a chunk of a broadcaster's audience about a go-live, in one transaction: skips who
 * turned go-live notifications off or muted the broadcaster, records each (recipient, broadcast)
 * once (a chunk read twice, or published twice by a resumed fan-out, changes nothing more), then
 * gives each recipient a notification while under the hourly cap, or counts the go-live into
 * their digest of the hour once over it. Nothing for a broadcast taken down (TakedownsConsumer).
 */
@Injectable()
export class GoLiveDelivery {
  constructor(
    @Inject(NOTIFICATIONS_CONFIG) private readonly config: NotificationsConfig,
    private readonly writer: NotificationWriter,
  ) {}

  async deliver(manager: EntityManager, chunk: GoLiveChunk): Promise<void> {
    const candidates = chunk.recipientIds.filter((id) => id !== chunk.ownerId);
    if (candidates.length === 0) return;
    // A chunk published before the takedown stopped the fan-out: nobody hears of it now.
    if (await wasTakenDown(manager, chunk.broadcastId)) return;
    const wanted: Array<{ id: string }> = await manager.query(
      `SELECT r.id FROM unnest($1::uuid[]) AS r(id)
        WHERE NOT EXISTS (SELECT 1 FROM mute m WHERE m.muted_id = $2 AND m.account_id = r.id)
          AND NOT EXISTS (SELECT 1 FROM preference p WHERE p.account_id = r.id AND NOT p.go_live)`,
      [candidates, chunk.ownerId],
    );
    if (wanted.length === 0) return;
    const fresh: Array<{ recipient_id: string }> = await manager.query(
      `INSERT INTO go_live_delivery (broadcast_id, recipient_id) SELECT $1, r FROM unnest($2::uuid[]) AS r
       ON CONFLICT DO NOTHING RETURNING recipient_id`,
      [chunk.broadcastId, wanted.map((w) => w.id)],
    );
    if (fresh.length === 0) return;
    // The hourly cap, per recipient, atomically (row locks order concurrent chunks): the last
    // hour's sends are kept; under the cap `now()` is appended and the go-live is notified.
    const quota: Array<{ recipient_id: string; allowed: boolean }> = await manager.query(
      `INSERT INTO go_live_quota AS q (recipient_id, sent_at) SELECT r, ARRAY[now()] FROM unnest($1::uuid[]) AS r
       ON CONFLICT (recipient_id) DO UPDATE SET sent_at = (
         SELECT CASE WHEN count(*) < $2 THEN array_agg(t ORDER BY t) || now() ELSE array_agg(t ORDER BY t) END
           FROM unnest(q.sent_at) AS t WHERE t > now() - interval '1 hour')
       RETURNING recipient_id, sent_at[array_upper(sent_at, 1)] = now() AS allowed`,
      [fresh.map((f) => f.recipient_id), this.config.goLivePerHour],
    );
    const [owner] = (await manager.query('SELECT handle FROM account_name WHERE account_id = $1', [chunk.ownerId])) as Array<{ handle: string }>;
    const content = { kind: 'went_live' as const, actorId: chunk.ownerId, actorHandle: owner?.handle ?? null, broadcastId: chunk.broadcastId, title: chunk.title };
    const allowed = quota.filter((q) => q.allowed).map((q) => q.recipient_id);
    const over = quota.filter((q) => !q.allowed).map((q) => q.recipient_id);
    await this.writer.create(manager, content, allowed.map((recipientId) => ({ recipientId, sourceKey: chunk.broadcastId })));
    const [{ hour }] = (await manager.query(`SELECT to_char(date_trunc('hour', now()), 'YYYY-MM-DD"T"HH24') AS hour`)) as Array<{ hour: string }>;
    await this.writer.countIntoDigests(manager, content, over, hour);
  }
}
