import { DomainError } from '@onair/errors';

/** An RTMP peer broke the protocol or a limit: its connection is closed. */
export class RtmpProtocolError extends DomainError {
  readonly code = 'SFU.RTMP_PROTOCOL';
  readonly kind = 'invalid' as const;
  constructor(reason: string) {
    super(`RTMP connection refused: ${reason}`, { reason });
  }
}
