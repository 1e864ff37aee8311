import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { AccountRole, AccountRoleGrantedEvent, AccountRoleRevokedEvent, type AccountRoleGranted, type AccountRoleRevoked } from '@onair/contracts';
import { NonRetriableEventError, OnEvent, type KafkaEventContext } from '@onair/kafka';
import { applyRoleChange } from '../staff-roles/staff-roles.js';
import type { StaffRoleName } from '../staff-roles/staff-role.entity.js';
import { appendAudit } from './audit-log.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const roleName: Partial<Record<AccountRole, StaffRoleName>> = { [AccountRole.OPERATOR]: 'operator', [AccountRole.ADMIN]: 'admin' };

/**
 * identity's role changes into the audit log (who gave or took which power from whom, and why)
 * and into the staff-role projection that suspensions check, in one transaction. The event's id
 * is the entry's id, so a redelivered event adds nothing; the projection ignores older changes.
 */
@Controller()
export class RoleEventsConsumer {
  @OnEvent(AccountRoleGrantedEvent)
  async onGranted(@Payload() e: AccountRoleGranted, @Ctx() ctx: KafkaEventContext): Promise<void> {
    await this.record('role_granted', e, e.grantedAt ? timestampDate(e.grantedAt) : new Date(), ctx);
  }

  @OnEvent(AccountRoleRevokedEvent)
  async onRevoked(@Payload() e: AccountRoleRevoked, @Ctx() ctx: KafkaEventContext): Promise<void> {
    await this.record('role_revoked', e, e.revokedAt ? timestampDate(e.revokedAt) : new Date(), ctx);
  }

  private async record(action: 'role_granted' | 'role_revoked', e: AccountRoleGranted | AccountRoleRevoked, at: Date, ctx: KafkaEventContext): Promise<void> {
    if (!UUID.test(ctx.eventId) || !UUID.test(e.accountId) || (e.actorAccountId && !UUID.test(e.actorAccountId))) {
      throw new NonRetriableEventError('OPS.MALFORMED_ROLE_EVENT', 'a role event whose event, account or actor id is not a uuid');
    }
    await appendAudit(ctx.manager, {
      id: ctx.eventId.toLowerCase(),
      actorAccountId: e.actorAccountId ? e.actorAccountId.toLowerCase() : null,
      action,
      targetType: 'account',
      targetId: e.accountId.toLowerCase(),
      reason: e.reason,
      at,
      details: { role: roleName[e.role] ?? 'unknown' },
    });
    // A role ops does not know protects nothing here; the audit entry above still records it.
    const role = roleName[e.role];
    if (role) await applyRoleChange(ctx.manager, { accountId: e.accountId.toLowerCase(), role, held: action === 'role_granted', at, eventId: ctx.eventId.toLowerCase() });
  }
}
