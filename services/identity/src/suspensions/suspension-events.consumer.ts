import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Controller, Logger } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { AccountSuspendedEvent, AccountSuspensionLiftedEvent, type AccountSuspended, type AccountSuspensionLifted } from '@onair/contracts';
import { NonRetriableEventError, OnEvent, type KafkaEventContext } from '@onair/kafka';
import type { EntityManager } from 'typeorm';
import { SessionRevocations, SessionsRevokedReason } from '../sessions/session-revocations.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Applies ops' suspensions (ops.actions.v1): the account's current suspension is kept, and
 * while it is in force sign-in and refresh are refused (see assertNotSuspended). Suspending
 * ends every session of the account in the same transaction (sessions.revoked.v1, reason
 * ACCOUNT_SUSPENDED), so its access tokens stop working everywhere within seconds.
 */
@Controller()
export class SuspensionEventsConsumer {
  private readonly log = new Logger('SuspensionEventsConsumer');

  constructor(private readonly revocations: SessionRevocations) {}

  @OnEvent(AccountSuspendedEvent)
  async onSuspended(@Payload() e: AccountSuspended, @Ctx() ctx: KafkaEventContext): Promise<void> {
    if (!UUID.test(e.suspensionId) || !e.suspendedAt) throw new NonRetriableEventError('IDENTITY.MALFORMED_SUSPENSION_EVENT', 'a suspension without a uuid id or a time');
    const accountId = await this.lockAccount(ctx.manager, e.accountId);
    if (!accountId) return;
    const until = e.until ? timestampDate(e.until) : null;
    // The newest suspended_at wins (the id breaks a tie): an older suspension arriving late, or
    // this one again, changes nothing. A newer one replaces a lifted one too.
    const applied: unknown[] = await ctx.manager.query(
      `INSERT INTO account_suspension (account_id, suspension_id, suspended_at, until) VALUES ($1, $2, $3, $4)
       ON CONFLICT (account_id) DO UPDATE SET suspension_id = EXCLUDED.suspension_id, suspended_at = EXCLUDED.suspended_at, until = EXCLUDED.until, lifted_at = NULL
        WHERE (account_suspension.suspended_at, account_suspension.suspension_id) < (EXCLUDED.suspended_at, EXCLUDED.suspension_id)
       RETURNING 1`,
      [accountId, e.suspensionId.toLowerCase(), timestampDate(e.suspendedAt), until],
    );
    // Over already (delivered late): there is nothing to end.
    if (applied.length === 0 || (until && until <= new Date())) return;
    await this.revocations.revoke(ctx.manager, accountId, SessionsRevokedReason.ACCOUNT_SUSPENDED);
  }

  /** Lifts only the suspension it names while that is the current one: never a newer one. */
  @OnEvent(AccountSuspensionLiftedEvent)
  async onLifted(@Payload() e: AccountSuspensionLifted, @Ctx() ctx: KafkaEventContext): Promise<void> {
    if (!UUID.test(e.suspensionId)) throw new NonRetriableEventError('IDENTITY.MALFORMED_SUSPENSION_EVENT', 'a lifting without a uuid suspension id');
    const accountId = await this.lockAccount(ctx.manager, e.accountId);
    if (!accountId) return;
    await ctx.manager.query('UPDATE account_suspension SET lifted_at = $3 WHERE account_id = $1 AND suspension_id = $2 AND lifted_at IS NULL', [
      accountId,
      e.suspensionId.toLowerCase(),
      e.liftedAt ? timestampDate(e.liftedAt) : new Date(),
    ]);
  }

  /**
   * Locks the account row (a sign-in's session insert waits on it) and returns its id. ops
   * keeps no copy of accounts: an unknown or deleted one is nothing to do, not a poison event.
   */
  private async lockAccount(manager: EntityManager, accountId: string): Promise<string | undefined> {
    const [row]: Array<{ id: string }> = UUID.test(accountId) ? await manager.query('SELECT id FROM account WHERE id = $1 FOR UPDATE', [accountId.toLowerCase()]) : [];
    if (!row) this.log.warn(`suspension event for unknown account ${accountId}; nothing to do`);
    return row?.id;
  }
}
