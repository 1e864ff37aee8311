import { DomainError, type ErrorKind } from '@onair/errors';

export class WhipNotSdpError extends DomainError {
  readonly code = 'STREAM_SESSIONS.WHIP_NOT_SDP';
  readonly kind = 'invalid' as const;
  constructor(expected: string) {
    super(`the body must be ${expected} (Content-Type ${expected})`);
  }
}

/** The resource URL names no WHIP session this platform knows (ended, or never one). */
export class WhipSessionNotFoundError extends DomainError {
  readonly code = 'STREAM_SESSIONS.WHIP_SESSION_NOT_FOUND';
  readonly kind = 'not_found' as const;
  constructor() {
    super('no such WHIP session: it has ended, or its SFU node is gone');
  }
}

/** One offer per broadcast at a time is placed by a replica: a flood of offers queues nothing. */
export class WhipBusyError extends DomainError {
  readonly code = 'STREAM_SESSIONS.WHIP_BUSY';
  readonly kind = 'rate_limited' as const;
  constructor() {
    super('another WHIP offer for this broadcast is being placed; try again in a moment', { retryAfterSeconds: 1 });
  }
}

export class SfuUnreachableError extends DomainError {
  readonly code = 'STREAM_SESSIONS.SFU_UNREACHABLE';
  readonly kind = 'unavailable' as const;
  constructor(nodeId: string) {
    super(`SFU node ${nodeId} did not answer; try again shortly`, { retryAfterSeconds: 2 });
  }
}

const KIND_OF_STATUS: Record<number, ErrorKind> = { 400: 'invalid', 404: 'not_found', 409: 'conflict', 410: 'gone', 429: 'rate_limited' };

/**
 * The SFU node refused the offer or the change (an unsupported codec, SFU.ROOM_FULL, …): its
 * stable code goes to the encoder unchanged. Its own ticket problems (401/403) are ours, not the
 * encoder's: they answer 503.
 */
export class SfuRefusedError extends DomainError {
  readonly kind: ErrorKind;
  constructor(
    readonly code: string,
    message: string,
    status: number,
  ) {
    super(message);
    this.kind = KIND_OF_STATUS[status] ?? 'unavailable';
  }
}
