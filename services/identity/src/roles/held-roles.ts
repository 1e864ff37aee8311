import type { Role } from '@onair/auth';
import type { EntityManager } from 'typeorm';
import { RoleGrant } from './role-grant.entity.js';

/**
 * The roles an account holds now, in a stable order: what its access tokens carry. Read in the
 * transaction that issues the token, after its session row is written, so a revocation either
 * sees the session (and ends it) or commits first (and the token is issued without the role).
 */
export async function heldRoles(manager: EntityManager, accountId: string): Promise<Role[]> {
  const grants = await manager.find(RoleGrant, { select: { role: true }, where: { accountId }, order: { role: 'ASC' } });
  return grants.map((g) => g.role);
}
