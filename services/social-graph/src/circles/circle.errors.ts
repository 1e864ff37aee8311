import { DomainError } from '@onair/errors';

/** Also for a circle of another account: whether it exists is none of the caller's business. */
export class CircleNotFoundError extends DomainError {
  readonly code = 'SOCIAL_GRAPH.CIRCLE_NOT_FOUND';
  readonly kind = 'not_found' as const;
  constructor(circleId: string) {
    super(`no circle ${circleId}`, { circleId });
  }
}

export class CircleNameTakenError extends DomainError {
  readonly code = 'SOCIAL_GRAPH.CIRCLE_NAME_TAKEN';
  readonly kind = 'conflict' as const;
  constructor(name: string) {
    super(`you already have a circle named "${name}"`, { field: 'name' });
  }
}

export class CircleLimitReachedError extends DomainError {
  readonly code = 'SOCIAL_GRAPH.CIRCLE_LIMIT_REACHED';
  readonly kind = 'conflict' as const;
  constructor(limit: number) {
    super(`an account has at most ${limit} circles`, { limit });
  }
}

export class CircleFullError extends DomainError {
  readonly code = 'SOCIAL_GRAPH.CIRCLE_FULL';
  readonly kind = 'conflict' as const;
  constructor(limit: number) {
    super(`a circle has at most ${limit} members`, { limit });
  }
}

/** Circles group one's followers: only a follower can be added. */
export class NotAFollowerError extends DomainError {
  readonly code = 'SOCIAL_GRAPH.NOT_A_FOLLOWER';
  readonly kind = 'conflict' as const;
  constructor(accountId: string) {
    super(`account ${accountId} does not follow you`, { accountId });
  }
}
