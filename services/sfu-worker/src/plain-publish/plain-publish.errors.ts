import { DomainError } from '@onair/errors';

export class PlainPublishSessionNotFoundError extends DomainError {
  readonly code = 'SFU.PLAIN_PUBLISH_SESSION_NOT_FOUND';
  readonly kind = 'not_found' as const;
  constructor() {
    super('no such plain-publish session on this node: it has ended');
  }
}

/** Plain publishing takes publish tickets only, and a session answers only tickets for its own broadcast. */
export class PlainPublishTicketRefusedError extends DomainError {
  readonly code = 'SFU.PLAIN_PUBLISH_TICKET_REFUSED';
  readonly kind = 'forbidden' as const;
  constructor(reason: string) {
    super(reason);
  }
}
