import { DomainError } from '@onair/errors';

/** One RTMP publisher per broadcast is placed by a replica at a time: a flood of connects queues nothing. */
export class RtmpBusyError extends DomainError {
  readonly code = 'STREAM_SESSIONS.RTMP_BUSY';
  readonly kind = 'rate_limited' as const;
  constructor() {
    super('another RTMP publisher for this broadcast is being placed; try again in a moment', { retryAfterSeconds: 1 });
  }
}
