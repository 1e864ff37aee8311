import { DomainError } from '@onair/errors';

/** chat has not (yet) seen the broadcast go live: nothing to chat about. */
export class RoomNotLiveError extends DomainError {
  readonly code = 'CHAT.ROOM_NOT_LIVE';
  readonly kind = 'conflict' as const;
  constructor() {
    super('this broadcast is not live; its chat opens when it goes live');
  }
}

export class BroadcastEndedChatError extends DomainError {
  readonly code = 'CHAT.BROADCAST_ENDED';
  readonly kind = 'gone' as const;
  constructor() {
    super('this broadcast has ended; its chat is in the replay');
  }
}

export class MalformedFrameError extends DomainError {
  readonly code = 'CHAT.MALFORMED_FRAME';
  readonly kind = 'invalid' as const;
  constructor(reason: string) {
    super(`not a chat frame: ${reason}`);
  }
}

export class NotOwnerError extends DomainError {
  readonly code = 'CHAT.NOT_BROADCASTER';
  readonly kind = 'forbidden' as const;
  constructor() {
    super('only the broadcaster moderates this room');
  }
}

/** The socket's `broadcastId` query parameter names another broadcast than its ticket. */
export class TicketWrongRoomError extends DomainError {
  readonly code = 'MEDIA.TICKET_WRONG_BROADCAST';
  readonly kind = 'forbidden' as const;
  constructor(broadcastId: string) {
    super(`this ticket is for broadcast ${broadcastId}`);
  }
}
