import { DomainError } from '@onair/errors';

export class HandleTakenError extends DomainError {
  readonly code = 'IDENTITY.HANDLE_TAKEN';
  readonly kind = 'conflict' as const;
  constructor(handle: string) {
    super(`handle "${handle}" is taken`, { field: 'handle' });
  }
}

export class EmailTakenError extends DomainError {
  readonly code = 'IDENTITY.EMAIL_TAKEN';
  readonly kind = 'conflict' as const;
  constructor() {
    super('an account with this email exists', { field: 'email' });
  }
}
