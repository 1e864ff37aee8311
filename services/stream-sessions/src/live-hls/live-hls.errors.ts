import { DomainError } from '@onair/errors';

export class LiveHlsNotStartedError extends DomainError {
  readonly code = 'STREAM_SESSIONS.LIVE_HLS_NOT_STARTED';
  readonly kind = 'conflict' as const;
  constructor() {
    super('the broadcast has not gone live yet');
  }
}

/** After the end the same segments are the replay, under /replay/ once it is ready. */
export class LiveHlsEndedError extends DomainError {
  readonly code = 'STREAM_SESSIONS.LIVE_HLS_ENDED';
  readonly kind = 'gone' as const;
  constructor(state: string) {
    super('the broadcast has ended; its recording becomes the replay (/v1/broadcasts/{id}/replay/index.m3u8)', { state });
  }
}

/** The recording has not written the playlist yet (its first segment takes ~2 s), or no such segment. */
export class LiveHlsFileNotFoundError extends DomainError {
  readonly code = 'STREAM_SESSIONS.LIVE_HLS_FILE_NOT_FOUND';
  readonly kind = 'not_found' as const;
  constructor() {
    super('no such file in the live recording (yet)');
  }
}
