import { DomainError } from '@onair/errors';

/** The SDP offer is not one this node can take; the message says which rule it broke. */
export class WhipOfferInvalidError extends DomainError {
  readonly code = 'SFU.WHIP_OFFER_INVALID';
  readonly kind = 'invalid' as const;
  constructor(reason: string) {
    super(`WHIP offer refused: ${reason}`, { reason });
  }
}

export class WhipSessionNotFoundError extends DomainError {
  readonly code = 'SFU.WHIP_SESSION_NOT_FOUND';
  readonly kind = 'not_found' as const;
  constructor() {
    super('no such WHIP session on this node: it has ended');
  }
}

/** WHIP takes publish tickets only, and a session answers only tickets for its own broadcast. */
export class WhipTicketRefusedError extends DomainError {
  readonly code = 'SFU.WHIP_TICKET_REFUSED';
  readonly kind = 'forbidden' as const;
  constructor(reason: string) {
    super(reason);
  }
}

/** An ICE change (PATCH) named another state of the session than its current one (RFC 9725's If-Match). */
export class WhipEtagMismatchError extends DomainError {
  readonly code = 'SFU.WHIP_ETAG_MISMATCH';
  readonly kind = 'conflict' as const;
  constructor() {
    super('If-Match names another state of this WHIP session; an ICE restart sends If-Match: *');
  }
}
