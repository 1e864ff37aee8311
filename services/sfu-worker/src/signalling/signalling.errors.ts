import { DomainError } from '@onair/errors';

export class MalformedFrameError extends DomainError {
  readonly code = 'SIGNAL.MALFORMED_FRAME';
  readonly kind = 'invalid' as const;
  constructor(reason: string) {
    super(`not a signalling request: ${reason}`);
  }
}

export class UnknownMethodError extends DomainError {
  readonly code = 'SIGNAL.UNKNOWN_METHOD';
  readonly kind = 'not_found' as const;
  constructor(method: string) {
    super(`no method "${method}"`, { method });
  }
}

/** The socket's `broadcastId` query parameter names another broadcast than the ticket. */
export class TicketWrongBroadcastError extends DomainError {
  readonly code = 'MEDIA.TICKET_WRONG_BROADCAST';
  readonly kind = 'forbidden' as const;
  constructor(broadcastId: string) {
    super(`this ticket is for broadcast ${broadcastId}`);
  }
}

export class DrainingError extends DomainError {
  readonly code = 'SFU.DRAINING';
  readonly kind = 'unavailable' as const;
  constructor() {
    super('this node is shutting down and takes no new participants; ask for a new ticket');
  }
}

/** The viewer is out of the broadcast's audience since its ticket was issued (blocked, unfollowed, out of the circle). */
export class AdmissionRevokedError extends DomainError {
  readonly code = 'SFU.ADMISSION_REVOKED';
  readonly kind = 'forbidden' as const;
  constructor() {
    super('you are no longer admitted to this broadcast');
  }
}
