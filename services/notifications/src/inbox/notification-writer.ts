import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Injectable } from '@nestjs/common';
import { NotificationsCreatedEvent, NotificationsCreatedSchema } from '@onair/contracts';
import { Outbox } from '@onair/kafka';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';

export type NotificationKind = 'went_live' | 'went_live_digest' | 'followed' | 'replay_ready' | 'replay_expiring';

interface Row {
  id: string;
  recipient_id: string;
  updated_at: Date;
}

/** What a notification says, the same for every recipient of one write. */
export interface NotificationContent {
  kind: NotificationKind;
  actorId?: string | null;
  actorHandle?: string | null;
  broadcastId?: string | null;
  title?: string | null;
}

/**
 * Writes notifications into the inbox inside the caller's transaction, one row per
 * (recipient, kind, source key): the same source written again creates nothing. What was
 * created is announced on notifications.created.v1 through the outbox, in the same
 * transaction, for the live push and web push.
 */
@Injectable()
export class NotificationWriter {
  constructor(private readonly outbox: Outbox) {}


  /** Creates the notifications that do not exist yet; their recipients. */
  async create(manager: EntityManager, content: NotificationContent, recipients: Array<{ recipientId: string; sourceKey: string }>): Promise<string[]> {
    if (recipients.length === 0) return [];
    const rows: Row[] = await manager.query(
      `INSERT INTO notification (id, recipient_id, kind, source_key, actor_id, actor_handle, broadcast_id, title)
       SELECT gen_random_uuid(), r.recipient_id, $3, r.source_key, $4, $5, $6, $7
         FROM unnest($1::uuid[], $2::text[]) AS r(recipient_id, source_key)
       ON CONFLICT (recipient_id, kind, source_key) DO NOTHING
       RETURNING id, recipient_id, updated_at`,
      [recipients.map((r) => r.recipientId), recipients.map((r) => r.sourceKey), content.kind, content.actorId ?? null, content.actorHandle ?? null, content.broadcastId ?? null, content.title ?? null],
    );
    await this.announce(manager, content, rows, 1);
    return rows.map((r) => r.recipient_id);
  }

  /**
   * Counts one more go-live into each recipient's digest of this hour (made at 1), unread again.
   * Callers make sure each (recipient, broadcast) is counted once.
   */
  async countIntoDigests(manager: EntityManager, content: NotificationContent, recipientIds: string[], hour: string): Promise<void> {
    if (recipientIds.length === 0) return;
    const rows: Array<Row & { count: number }> = await manager.query(
      `INSERT INTO notification (id, recipient_id, kind, source_key, actor_id, actor_handle, broadcast_id, title)
       SELECT gen_random_uuid(), r, 'went_live_digest', $2, $3, $4, $5, $6 FROM unnest($1::uuid[]) AS r
       ON CONFLICT (recipient_id, kind, source_key) DO UPDATE
         SET count = notification.count + 1, updated_at = date_trunc('milliseconds', now()), read_at = NULL,
             actor_id = EXCLUDED.actor_id, actor_handle = EXCLUDED.actor_handle, broadcast_id = EXCLUDED.broadcast_id, title = EXCLUDED.title
       RETURNING id, recipient_id, updated_at, count`,
      [recipientIds, hour, content.actorId ?? null, content.actorHandle ?? null, content.broadcastId ?? null, content.title ?? null],
    );
    // One announcement per distinct count, so a pushed digest says how many it holds.
    const byCount = new Map<number, Row[]>();
    for (const r of rows) byCount.set(r.count, [...(byCount.get(r.count) ?? []), r]);
    for (const [count, group] of byCount) await this.announce(manager, { ...content, kind: 'went_live_digest' }, group, count);
  }

  private async announce(manager: EntityManager, content: NotificationContent, rows: Row[], count: number): Promise<void> {
    if (rows.length === 0) return;
    await this.outbox.add(
      manager,
      NotificationsCreatedEvent,
      create(NotificationsCreatedSchema, {
        batchId: randomUUID(),
        content: { kind: content.kind, actorId: content.actorId ?? '', actorHandle: content.actorHandle ?? '', broadcastId: content.broadcastId ?? '', title: content.title ?? '', count },
        deliveries: rows.map((r) => ({ recipientId: r.recipient_id, notificationId: r.id })),
        // The rows' own time (one statement, one now()): a pushed notification says what the inbox says.
        createdAt: timestampFromDate(rows[0].updated_at),
      }),
    );
  }
}
