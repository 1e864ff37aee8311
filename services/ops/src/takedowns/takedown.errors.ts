import { DomainError } from '@onair/errors';

/** A broadcast is taken down once: the first takedown's reason and actor stand. */
export class AlreadyTakenDownError extends DomainError {
  readonly code = 'OPS.ALREADY_TAKEN_DOWN';
  readonly kind = 'conflict' as const;
  constructor(takenDownAt: Date) {
    super('this broadcast was taken down already', { takenDownAt: takenDownAt.toISOString() });
  }
}
