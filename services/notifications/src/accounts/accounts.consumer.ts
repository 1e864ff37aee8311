import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import {
  AccountCreatedEvent,
  AccountDeletedEvent,
  AccountProfileUpdatedEvent,
  type AccountCreated,
  type AccountDeleted,
  type AccountProfileUpdated,
} from '@onair/contracts';
import { OnEvent, type KafkaEventContext } from '@onair/kafka';

/** Handles from identity's events (what notifications call their actors), and a deleted account's data gone. */
@Controller()
export class AccountsConsumer {
  @OnEvent(AccountCreatedEvent)
  onCreated(@Payload() e: AccountCreated, @Ctx() ctx: KafkaEventContext): Promise<void> {
    return this.keepName(e, ctx);
  }

  @OnEvent(AccountProfileUpdatedEvent)
  onProfile(@Payload() e: AccountProfileUpdated, @Ctx() ctx: KafkaEventContext): Promise<void> {
    return this.keepName(e, ctx);
  }

  private async keepName(e: AccountCreated | AccountProfileUpdated, ctx: KafkaEventContext): Promise<void> {
    await ctx.manager.query(
      `INSERT INTO account_name (account_id, handle, display_name) VALUES ($1, $2, $3)
       ON CONFLICT (account_id) DO UPDATE SET handle = EXCLUDED.handle, display_name = EXCLUDED.display_name, updated_at = now()`,
      [e.accountId, e.handle, e.displayName],
    );
  }

  @OnEvent(AccountDeletedEvent)
  async onDeleted(@Payload() e: AccountDeleted, @Ctx() ctx: KafkaEventContext): Promise<void> {
    const q = (sql: string) => ctx.manager.query(sql, [e.accountId]);
    await q('DELETE FROM account_name WHERE account_id = $1');
    await q('DELETE FROM notification WHERE recipient_id = $1');
    await q('DELETE FROM preference WHERE account_id = $1');
    await q('DELETE FROM mute WHERE account_id = $1 OR muted_id = $1');
    await q('DELETE FROM push_subscription WHERE account_id = $1');
    await q('DELETE FROM stream_ticket WHERE account_id = $1');
    await q('DELETE FROM go_live_quota WHERE recipient_id = $1');
    await q('DELETE FROM replay_reminder WHERE owner_id = $1');
    // Their go-lives still being fanned out stop here.
    await q('UPDATE fanout_job SET done_at = now() WHERE owner_id = $1 AND done_at IS NULL');
  }
}
