import type { EntityManager } from 'typeorm';
import { LastAdminError } from './role.errors.js';

/**
 * Serialises role changes (and deletions of admins) for the rest of the transaction: they are
 * rare, and two of them at once must not leave the platform without an admin.
 */
export async function lockRoleChanges(manager: EntityManager): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('identity:account-roles', 0))`);
}

/** Refuses to let the only admin's account go (takes the role-change lock first). */
export async function assertNotLastAdmin(manager: EntityManager, accountId: string): Promise<void> {
  await lockRoleChanges(manager);
  const [row]: Array<{ mine: number; admins: number }> = await manager.query(
    `SELECT count(*) FILTER (WHERE account_id = $1)::int AS mine, count(*)::int AS admins FROM account_role WHERE role = 'admin'`,
    [accountId],
  );
  if (row.mine > 0 && row.admins === 1) throw new LastAdminError();
}
