import { DomainError } from '@onair/errors';

export class CannotBlockSelfError extends DomainError {
  readonly code = 'SOCIAL_GRAPH.CANNOT_BLOCK_SELF';
  readonly kind = 'invalid' as const;
  constructor() {
    super('an account cannot block itself');
  }
}

/** Deliberately does not say which of the two blocked the other. */
export class BlockedError extends DomainError {
  readonly code = 'SOCIAL_GRAPH.BLOCKED';
  readonly kind = 'forbidden' as const;
  constructor() {
    super('not allowed: there is a block between these accounts');
  }
}
