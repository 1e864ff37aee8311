import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Controller, Logger } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { AccountSuspendedEvent, AccountSuspensionLiftedEvent, type AccountSuspended, type AccountSuspensionLifted } from '@onair/contracts';
import { OnEvent, type KafkaEventContext } from '@onair/kafka';
import type { AccountId, BroadcastRow } from '../broadcasts/broadcast-record.js';
import { eventTime } from '../lifecycle/publisher.consumer.js';
import { BroadcastTakedown } from '../takedowns/broadcast-takedown.js';
import { liftSuspension, recordSuspension } from './account-suspension.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Applies operators' account suspensions (ops.account_suspended.v1, ops.account_suspension_lifted.v1):
 * the suspension is stored (it refuses creating and publishing broadcasts while in force) and
 * the account's created or live broadcasts are taken down as an operator's takedown does. Its
 * ended broadcasts and their replays stay: the suspension is about what the account does next.
 */
@Controller()
export class SuspensionsConsumer {
  private readonly log = new Logger('SuspensionsConsumer');

  constructor(private readonly takedown: BroadcastTakedown) {}

  @OnEvent(AccountSuspendedEvent)
  async onSuspended(@Payload() e: AccountSuspended, @Ctx() ctx: KafkaEventContext): Promise<void> {
    // Not an account id this service could ever hold: nothing to apply, not a poison event to dead-letter.
    if (!UUID.test(e.accountId)) return this.log.warn(`suspension of malformed account id ${e.accountId}; nothing to do`);
    const accountId = e.accountId.toLowerCase() as AccountId;
    const suspendedAt = eventTime(e.suspendedAt);
    const until = e.until ? timestampDate(e.until) : null;
    // Older than the stored one, a redelivery, or over already: its broadcasts were dealt with then.
    if (!(await recordSuspension(ctx.manager, { accountId, suspensionId: e.suspensionId, suspendedAt, until }))) return;
    const live: BroadcastRow[] = await ctx.manager.query(
      `SELECT * FROM broadcast WHERE owner_id = $1 AND state IN ('created', 'live') AND taken_down_at IS NULL ORDER BY id FOR UPDATE`,
      [accountId],
    );
    for (const b of live) await this.takedown.takeDown(ctx.manager, b, suspendedAt);
  }

  @OnEvent(AccountSuspensionLiftedEvent)
  async onLifted(@Payload() e: AccountSuspensionLifted, @Ctx() ctx: KafkaEventContext): Promise<void> {
    if (!UUID.test(e.accountId)) return this.log.warn(`lifting for malformed account id ${e.accountId}; nothing to do`);
    // Broadcasts taken down stay taken down: lifting only lets the account broadcast anew.
    await liftSuspension(ctx.manager, e.accountId.toLowerCase() as AccountId, e.suspensionId, eventTime(e.liftedAt));
  }
}
