import { DomainError } from '@onair/errors';

export class NotificationNotFoundError extends DomainError {
  readonly code = 'NOTIFICATIONS.NOT_FOUND';
  readonly kind = 'not_found' as const;
  constructor() {
    super('no such notification in your inbox');
  }
}

export class InvalidCursorError extends DomainError {
  readonly code = 'NOTIFICATIONS.INVALID_CURSOR';
  readonly kind = 'invalid' as const;
  constructor() {
    super('not a cursor this inbox gave (nextCursor)');
  }
}
