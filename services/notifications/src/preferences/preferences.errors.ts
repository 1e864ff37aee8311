import { DomainError } from '@onair/errors';

export class AccountNotFoundError extends DomainError {
  readonly code = 'NOTIFICATIONS.ACCOUNT_NOT_FOUND';
  readonly kind = 'not_found' as const;
  constructor() {
    super('no such account');
  }
}

export class CannotMuteSelfError extends DomainError {
  readonly code = 'NOTIFICATIONS.CANNOT_MUTE_SELF';
  readonly kind = 'invalid' as const;
  constructor() {
    super('you cannot mute yourself');
  }
}

export class TooManyMutesError extends DomainError {
  readonly code = 'NOTIFICATIONS.TOO_MANY_MUTES';
  readonly kind = 'conflict' as const;
  constructor(limit: number) {
    super(`at most ${limit} muted accounts`, { limit });
  }
}
