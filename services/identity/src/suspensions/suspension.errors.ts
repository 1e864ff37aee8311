import { DomainError } from '@onair/errors';

/** An operator suspended the account: no sign-in, no refresh until it ends (`until`; null: for good). */
export class AccountSuspendedError extends DomainError {
  readonly code = 'IDENTITY.ACCOUNT_SUSPENDED';
  readonly kind = 'forbidden' as const;
  constructor(until: Date | null) {
    super(until ? `this account is suspended until ${until.toISOString()}` : 'this account is suspended', { until: until?.toISOString() ?? null });
  }
}
