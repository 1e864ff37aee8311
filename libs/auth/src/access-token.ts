/** Who issues access tokens and for whom: checked by every verifier. */
export const ACCESS_TOKEN_ISSUER = 'onair-identity';
export const ACCESS_TOKEN_AUDIENCE = 'onair';
/** EdDSA over Ed25519: small keys, fast verification, no parameter choices to get wrong. */
export const ACCESS_TOKEN_ALGORITHM = 'EdDSA';

/** Roles that let an account operate the platform (identity grants them; tokens carry them). */
export const ROLES = ['operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The signed-in caller, as every service sees it after verifying the access token. */
export interface AuthenticatedUser {
  accountId: string;
  handle: string;
  /** The sign-in session (device) the token belongs to. */
  sessionId: string;
  /**
   * The roles the account held when the token was issued (claim `roles`); empty for plain
   * users. Losing a role ends every session of the account, so no token outlives a role.
   */
  roles: readonly Role[];
}

export const isRole = (value: unknown): value is Role => (ROLES as readonly unknown[]).includes(value);

/** Whether `user` may act as `role`: an admin is also an operator for every check. */
export function hasRole(user: Pick<AuthenticatedUser, 'roles'>, role: Role): boolean {
  return user.roles.includes(role) || user.roles.includes('admin');
}

/** The `roles` claim as identity writes it: the known roles, each once; anything else is dropped. */
export function rolesClaim(value: unknown): Role[] {
  return Array.isArray(value) ? [...new Set(value.filter(isRole))] : [];
}
