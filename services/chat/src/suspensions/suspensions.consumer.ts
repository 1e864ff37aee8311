import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Controller, Logger } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { AccountSuspendedEvent, AccountSuspensionLiftedEvent, type AccountSuspended, type AccountSuspensionLifted } from '@onair/contracts';
import { OnEvent, type KafkaEventContext } from '@onair/kafka';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Stores operators' account suspensions for the pods' join check (a group the pods share). The
 * newest suspended_at wins: the same event again, or an older suspension arriving late, changes
 * nothing; a lifting applies only to the account's current suspension. Closing the account's
 * open sockets is every pod's own business (RoomSignalsReader), not this group's.
 */
@Controller()
export class SuspensionsConsumer {
  private readonly log = new Logger('SuspensionsConsumer');

  @OnEvent(AccountSuspendedEvent)
  async onSuspended(@Payload() e: AccountSuspended, @Ctx() ctx: KafkaEventContext): Promise<void> {
    // Not an account id chat could ever see: nothing to apply, not a poison event to dead-letter.
    if (!UUID.test(e.accountId)) return this.log.warn(`suspension of malformed account id ${e.accountId}; nothing to do`);
    await ctx.manager.query(
      `INSERT INTO chat_account_suspension (account_id, suspension_id, suspended_at, until) VALUES ($1, $2, $3, $4)
       ON CONFLICT (account_id) DO UPDATE
          SET suspension_id = EXCLUDED.suspension_id, suspended_at = EXCLUDED.suspended_at, until = EXCLUDED.until, lifted_at = NULL
        WHERE chat_account_suspension.suspended_at < EXCLUDED.suspended_at`,
      [e.accountId.toLowerCase(), e.suspensionId, e.suspendedAt ? timestampDate(e.suspendedAt) : new Date(), e.until ? timestampDate(e.until) : null],
    );
  }

  @OnEvent(AccountSuspensionLiftedEvent)
  async onLifted(@Payload() e: AccountSuspensionLifted, @Ctx() ctx: KafkaEventContext): Promise<void> {
    if (!UUID.test(e.accountId)) return this.log.warn(`lifting for malformed account id ${e.accountId}; nothing to do`);
    await ctx.manager.query(
      `UPDATE chat_account_suspension SET lifted_at = $3 WHERE account_id = $1 AND suspension_id = $2 AND lifted_at IS NULL`,
      [e.accountId.toLowerCase(), e.suspensionId, e.liftedAt ? timestampDate(e.liftedAt) : new Date()],
    );
  }
}
