import { DomainError } from '@onair/errors';

export class CannotFollowSelfError extends DomainError {
  readonly code = 'SOCIAL_GRAPH.CANNOT_FOLLOW_SELF';
  readonly kind = 'invalid' as const;
  constructor() {
    super('an account cannot follow itself');
  }
}
