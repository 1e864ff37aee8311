import { DomainError } from '@onair/errors';

/** OnAir's operators suspended the account: it neither creates nor publishes broadcasts meanwhile. */
export class AccountSuspendedError extends DomainError {
  readonly code = 'STREAM_SESSIONS.ACCOUNT_SUSPENDED';
  readonly kind = 'forbidden' as const;
  constructor(until: Date | null) {
    super("this account is suspended by OnAir's operators", { until: until ? until.toISOString() : null });
  }
}
