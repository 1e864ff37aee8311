import type { EntityManager } from 'typeorm';
import type { StaffRoleName } from './staff-role.entity.js';

export interface RoleChange {
  accountId: string;
  role: StaffRoleName;
  held: boolean;
  /** identity's time of the grant or revocation. */
  at: Date;
  eventId: string;
}

/**
 * Applies one of identity's role events to the projection, in the consumer's transaction.
 * Idempotent and order-safe: a change older than the one already applied for the same account
 * and role is ignored, so a redelivered or late event never undoes a newer one. On an equal
 * time the later delivery wins: identity's events of one account share a partition, so Kafka
 * delivers them in the order identity wrote them. True when the projection changed.
 */
export async function applyRoleChange(m: EntityManager, c: RoleChange): Promise<boolean> {
  // Milliseconds, as the audit log keeps them (and the backfill reads them from there).
  const at = new Date(Math.floor(c.at.getTime()));
  const applied: unknown[] = await m.query(
    `INSERT INTO staff_role (account_id, role, held, changed_at, event_id) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (account_id, role) DO UPDATE SET held = EXCLUDED.held, changed_at = EXCLUDED.changed_at, event_id = EXCLUDED.event_id
       WHERE staff_role.changed_at <= EXCLUDED.changed_at
     RETURNING 1`,
    [c.accountId, c.role, c.held, at, c.eventId],
  );
  return applied.length > 0;
}

/** The staff roles the account holds now, as far as identity's events have reached ops. */
export async function heldStaffRoles(m: EntityManager, accountId: string): Promise<StaffRoleName[]> {
  const rows: Array<{ role: StaffRoleName }> = await m.query('SELECT role FROM staff_role WHERE account_id = $1 AND held ORDER BY role', [accountId]);
  return rows.map((r) => r.role);
}
