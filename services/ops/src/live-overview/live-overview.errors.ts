import { DomainError } from '@onair/errors';

/** stream-sessions did not answer (down, unreachable, or past the deadline): the overview cannot be built now. */
export class StreamSessionsUnavailableError extends DomainError {
  readonly code = 'OPS.STREAM_SESSIONS_UNAVAILABLE';
  readonly kind = 'unavailable' as const;
  constructor() {
    super('stream-sessions cannot answer now; try again shortly', { retryAfterSeconds: 5 });
  }
}

export class BroadcastNotFoundError extends DomainError {
  readonly code = 'OPS.BROADCAST_NOT_FOUND';
  readonly kind = 'not_found' as const;
  constructor() {
    super('no such broadcast');
  }
}
