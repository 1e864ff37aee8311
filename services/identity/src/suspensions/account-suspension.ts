import type { EntityManager } from 'typeorm';
import { AccountSuspendedError } from './suspension.errors.js';

/**
 * Refuses an account whose suspension is in force: not lifted, and for good or not over yet.
 * Sign-in calls it after writing its session row, which waits on a suspension being applied
 * (the consumer holds the account row), so either the check sees the suspension or the
 * suspension's revocation sees the session.
 */
export async function assertNotSuspended(manager: EntityManager, accountId: string): Promise<void> {
  const [row]: Array<{ until: Date | null }> = await manager.query(
    'SELECT until FROM account_suspension WHERE account_id = $1 AND lifted_at IS NULL AND (until IS NULL OR until > now())',
    [accountId],
  );
  if (row) throw new AccountSuspendedError(row.until);
}
