import { DomainError } from '@onair/errors';

export class StreamTicketInvalidError extends DomainError {
  readonly code = 'NOTIFICATIONS.STREAM_TICKET_INVALID';
  readonly kind = 'unauthenticated' as const;
  constructor() {
    super('unknown, used or expired stream ticket: get a new one (POST /v1/notifications/stream-tickets)');
  }
}

export class TooManyStreamsError extends DomainError {
  readonly code = 'NOTIFICATIONS.TOO_MANY_STREAMS';
  readonly kind = 'rate_limited' as const;
  constructor(scope: 'account' | 'pod') {
    super(scope === 'account' ? 'this account has as many live streams open as allowed' : 'this server has as many live streams open as it takes; try again shortly', { scope });
  }
}

export class TooManyStreamTicketsError extends DomainError {
  readonly code = 'NOTIFICATIONS.TOO_MANY_STREAM_TICKETS';
  readonly kind = 'rate_limited' as const;
  constructor(limit: number) {
    super(`at most ${limit} unused stream tickets at once: open a stream with one, or wait a minute`, { limit });
  }
}
