import { DomainError } from '@onair/errors';

/**
 * Deliberately one code for a missing, malformed, wrong or rotated key, and for a key naming
 * another broadcast: the answer never says which, nor whether the broadcast exists.
 */
export class StreamKeyInvalidError extends DomainError {
  readonly code = 'STREAM_SESSIONS.STREAM_KEY_INVALID';
  readonly kind = 'unauthenticated' as const;
  constructor() {
    super('the stream key is not valid for this broadcast (rotated, mistyped or missing)');
  }
}
