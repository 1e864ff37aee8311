import { DomainError } from '@onair/errors';

/** Every password hash this replica may run at once is running, and none freed up in time. */
export class PasswordHashBusyError extends DomainError {
  readonly code = 'IDENTITY.BUSY';
  readonly kind = 'unavailable' as const;
  constructor(retryAfterSeconds: number) {
    super('too many sign-ins at once; try again shortly', { retryAfterSeconds });
  }
}

/** Too many password checks for this account and/or client IP in the current window. */
export class SignInRateLimitedError extends DomainError {
  readonly code = 'IDENTITY.SIGN_IN_RATE_LIMITED';
  readonly kind = 'rate_limited' as const;
  constructor(retryAfterSeconds: number) {
    super('too many failed password checks; try again later', { retryAfterSeconds });
  }
}
