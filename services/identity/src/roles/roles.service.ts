import { create } from '@bufbuild/protobuf';
import { timestampFromDate, timestampNow } from '@bufbuild/protobuf/wkt';
import { Injectable } from '@nestjs/common';
import { RoleRequiredError, type Role } from '@onair/auth';
import { AccountRole, AccountRoleGrantedEvent, AccountRoleGrantedSchema, AccountRoleRevokedEvent, AccountRoleRevokedSchema } from '@onair/contracts';
import { Outbox } from '@onair/kafka';
import { DataSource, type EntityManager } from 'typeorm';
import { SessionRevocations, SessionsRevokedReason } from '../sessions/session-revocations.js';
import { heldRoles } from './held-roles.js';
import { lockRoleChanges } from './last-admin.js';
import { AccountNotFoundError, OwnAdminRoleError } from './role.errors.js';

export interface RoleChange {
  accountId: string;
  role: Role;
  /** The admin acting; null for the command line (tools/onair), which the database access vouches for. */
  actorId: string | null;
  reason: string;
}

const onWire: Record<Role, AccountRole> = { operator: AccountRole.OPERATOR, admin: AccountRole.ADMIN };

/**
 * Grants and revokes operator roles. Each change and its event (the audit trail) commit in one
 * transaction; a change that changes nothing writes nothing. Role changes are serialised by
 * one advisory lock: they are rare, and two admins revoking each other at once must not leave
 * the platform without an admin.
 */
@Injectable()
export class RolesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly revocations: SessionRevocations,
  ) {}

  async list(accountId: string): Promise<Role[]> {
    const [account] = await this.dataSource.query('SELECT 1 FROM account WHERE id = $1', [accountId]);
    if (!account) throw new AccountNotFoundError();
    return heldRoles(this.dataSource.manager, accountId);
  }

  /** True when the account did not hold the role before (and the grant was recorded). */
  async grant(change: RoleChange): Promise<boolean> {
    return this.inTransaction(change, async (manager) => {
      const [row]: Array<{ granted_at: Date }> = await manager.query(
        `INSERT INTO account_role (account_id, role, granted_by) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING granted_at`,
        [change.accountId, change.role, change.actorId],
      );
      if (!row) return false;
      const event = create(AccountRoleGrantedSchema, { ...this.fields(change), grantedAt: timestampFromDate(row.granted_at) });
      await this.outbox.add(manager, AccountRoleGrantedEvent, event);
      return true;
    });
  }

  /**
   * True when the account held the role (and lost it now). Every session of the account ends
   * with it, so no access token keeps a role its account lost.
   */
  async revoke(change: RoleChange): Promise<boolean> {
    if (change.role === 'admin' && change.actorId === change.accountId) throw new OwnAdminRoleError();
    return this.inTransaction(change, async (manager) => {
      const [deleted]: [unknown[]] = await manager.query('DELETE FROM account_role WHERE account_id = $1 AND role = $2 RETURNING 1', [change.accountId, change.role]);
      if (deleted.length === 0) return false;
      await this.revocations.revoke(manager, change.accountId, SessionsRevokedReason.ROLE_REVOKED);
      await this.outbox.add(manager, AccountRoleRevokedEvent, create(AccountRoleRevokedSchema, { ...this.fields(change), revokedAt: timestampNow() }));
      return true;
    });
  }

  private fields(change: RoleChange) {
    return { accountId: change.accountId, role: onWire[change.role], actorAccountId: change.actorId ?? '', reason: change.reason };
  }

  private inTransaction(change: RoleChange, apply: (manager: EntityManager) => Promise<boolean>): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      await lockRoleChanges(manager);
      // The actor's token said admin; the table has the last word (it may have been revoked a
      // moment ago, before the revocation reached this replica).
      if (change.actorId) {
        const [admin] = await manager.query(`SELECT 1 FROM account_role WHERE account_id = $1 AND role = 'admin'`, [change.actorId]);
        if (!admin) throw new RoleRequiredError('admin');
      }
      // Locked so a sign-in racing this change either commits its session first (and a
      // revocation ends it) or waits and issues its token with the roles as they are now.
      const [account] = await manager.query('SELECT id FROM account WHERE id = $1 FOR UPDATE', [change.accountId]);
      if (!account) throw new AccountNotFoundError();
      return apply(manager);
    });
  }
}
