import { DomainError } from '@onair/errors';

export class ReplayTicketMismatchError extends DomainError {
  readonly code = 'CHAT.TICKET_MISMATCH';
  readonly kind = 'forbidden' as const;
  constructor() {
    super("this chat ticket is not the caller's, or not for this broadcast");
  }
}

/** Expired with the replay, for everyone: the owner included. */
export class ReplayGoneError extends DomainError {
  readonly code = 'CHAT.REPLAY_GONE';
  readonly kind = 'gone' as const;
  constructor() {
    super("this broadcast's replay and its chat are gone");
  }
}
