import { DomainError } from '@onair/errors';

export class BroadcastNotFoundError extends DomainError {
  readonly code = 'STREAM_SESSIONS.BROADCAST_NOT_FOUND';
  readonly kind = 'not_found' as const;
  constructor() {
    super('no such broadcast');
  }
}

export class NotOwnerError extends DomainError {
  readonly code = 'STREAM_SESSIONS.NOT_OWNER';
  readonly kind = 'forbidden' as const;
  constructor() {
    super('only the broadcaster may do this');
  }
}

export class CircleNotFoundError extends DomainError {
  readonly code = 'STREAM_SESSIONS.CIRCLE_NOT_FOUND';
  readonly kind = 'invalid' as const;
  constructor() {
    super('the visibility names no circle of yours', { field: 'visibility' });
  }
}

export class InvalidCursorError extends DomainError {
  readonly code = 'STREAM_SESSIONS.INVALID_CURSOR';
  readonly kind = 'invalid' as const;
  constructor() {
    super('the cursor is not one this API handed out');
  }
}
