import { DomainError } from '@onair/errors';

/** OnAir's operators took the broadcast down: nobody publishes, watches or chats in it again. */
export class BroadcastTakenDownError extends DomainError {
  readonly code = 'STREAM_SESSIONS.BROADCAST_TAKEN_DOWN';
  readonly kind = 'gone' as const;
  constructor() {
    super("this broadcast was taken down by OnAir's operators");
  }
}
