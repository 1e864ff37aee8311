import { DomainError } from '@onair/errors';

export class ReplayExpiredError extends DomainError {
  readonly code = 'STREAM_SESSIONS.REPLAY_EXPIRED';
  readonly kind = 'gone' as const;
  constructor() {
    super('this replay has expired; replays last 24 hours after the end of the broadcast');
  }
}

export class ReplayNotReadyError extends DomainError {
  readonly code = 'STREAM_SESSIONS.REPLAY_NOT_READY';
  readonly kind = 'conflict' as const;
  constructor(state: string) {
    super(`there is no replay yet: the broadcast is ${state}`, { state });
  }
}

export class ReplayFileNotFoundError extends DomainError {
  readonly code = 'STREAM_SESSIONS.REPLAY_FILE_NOT_FOUND';
  readonly kind = 'not_found' as const;
  constructor() {
    super('no such file in this replay');
  }
}
