import { DomainError } from '@onair/errors';

/** Deliberately one code for every audience refusal: it does not say whether a block is the reason. */
export class NotAdmittedError extends DomainError {
  readonly code = 'STREAM_SESSIONS.NOT_ADMITTED';
  readonly kind = 'forbidden' as const;
  constructor() {
    super('this broadcast is not visible to you');
  }
}

export class PublishNotAllowedError extends DomainError {
  readonly code = 'STREAM_SESSIONS.PUBLISH_NOT_ALLOWED';
  readonly kind = 'forbidden' as const;
  constructor() {
    super('only the broadcaster may publish this broadcast');
  }
}

export class BroadcastNotLiveError extends DomainError {
  readonly code = 'STREAM_SESSIONS.BROADCAST_NOT_LIVE';
  readonly kind = 'conflict' as const;
  constructor(state: string) {
    super(`the broadcast is ${state}, not live`, { state });
  }
}

export class BroadcastOverError extends DomainError {
  readonly code = 'STREAM_SESSIONS.BROADCAST_OVER';
  readonly kind = 'conflict' as const;
  constructor(state: string) {
    super(`the broadcast is ${state}: nothing can be published any more`, { state });
  }
}

export class NoSfuAvailableError extends DomainError {
  readonly code = 'STREAM_SESSIONS.NO_SFU_AVAILABLE';
  readonly kind = 'unavailable' as const;
  constructor() {
    super('no SFU node has reported its load recently; try again shortly');
  }
}

export class SocialGraphUnavailableError extends DomainError {
  readonly code = 'STREAM_SESSIONS.SOCIAL_GRAPH_UNAVAILABLE';
  readonly kind = 'unavailable' as const;
  constructor() {
    super('visibility cannot be checked right now; try again shortly');
  }
}
