import { DomainError } from '@onair/errors';

export class AccountNotFoundError extends DomainError {
  readonly code = 'IDENTITY.ACCOUNT_NOT_FOUND';
  readonly kind = 'not_found' as const;
  constructor() {
    super('no account with this id');
  }
}

/**
 * An admin may not drop their own admin role: another admin has to, so the platform is never
 * left without one by a slip.
 */
export class OwnAdminRoleError extends DomainError {
  readonly code = 'IDENTITY.OWN_ADMIN_ROLE';
  readonly kind = 'conflict' as const;
  constructor() {
    super('you cannot revoke your own admin role; another admin can');
  }
}

/** The last admin's account cannot be deleted: grant another admin first, so one is always left. */
export class LastAdminError extends DomainError {
  readonly code = 'IDENTITY.LAST_ADMIN';
  readonly kind = 'conflict' as const;
  constructor() {
    super('you are the last admin: grant the admin role to another account before deleting yours');
  }
}
