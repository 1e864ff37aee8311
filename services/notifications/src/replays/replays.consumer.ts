import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { BroadcastExpiredEvent, BroadcastReplayReadyEvent, type BroadcastExpired, type BroadcastReplayReady } from '@onair/contracts';
import { OnEvent, type KafkaEventContext } from '@onair/kafka';
import { NotificationWriter } from '../inbox/notification-writer.js';

/** Before expiry, the owner is reminded this long ahead. */
export const REMINDER_AHEAD_MS = 60 * 60_000;

/** "Your replay is ready", and the reminder an hour before it expires (cancelled if it expires first). */
@Controller()
export class ReplaysConsumer {
  constructor(private readonly writer: NotificationWriter) {}

  @OnEvent(BroadcastReplayReadyEvent)
  async onReady(@Payload() e: BroadcastReplayReady, @Ctx() ctx: KafkaEventContext): Promise<void> {
    const expiresAt = e.expiresAt ? timestampDate(e.expiresAt) : new Date(Date.now() + 24 * 3_600_000);
    await ctx.manager.query(
      `INSERT INTO replay_reminder (broadcast_id, owner_id, due_at, expires_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (broadcast_id) DO UPDATE SET due_at = EXCLUDED.due_at, expires_at = EXCLUDED.expires_at`,
      [e.broadcastId, e.ownerId, new Date(expiresAt.getTime() - REMINDER_AHEAD_MS), expiresAt],
    );
    if (!(await wantsReplayNotices(ctx, e.ownerId))) return;
    await this.writer.create(ctx.manager, { kind: 'replay_ready', broadcastId: e.broadcastId, title: await titleOf(ctx, e.broadcastId) }, [{ recipientId: e.ownerId, sourceKey: e.broadcastId }]);
  }

  @OnEvent(BroadcastExpiredEvent)
  async onExpired(@Payload() e: BroadcastExpired, @Ctx() ctx: KafkaEventContext): Promise<void> {
    await ctx.manager.query('DELETE FROM replay_reminder WHERE broadcast_id = $1', [e.broadcastId]);
  }
}

export async function wantsReplayNotices(ctx: Pick<KafkaEventContext, 'manager'>, ownerId: string): Promise<boolean> {
  const [off] = await ctx.manager.query('SELECT 1 FROM preference WHERE account_id = $1 AND NOT replays', [ownerId]);
  return !off;
}

/** The title it went live with (fan-out jobs keep it a week). */
export async function titleOf(ctx: Pick<KafkaEventContext, 'manager'>, broadcastId: string): Promise<string | null> {
  const [row] = (await ctx.manager.query('SELECT title FROM fanout_job WHERE broadcast_id = $1', [broadcastId])) as Array<{ title: string }>;
  return row?.title ?? null;
}
