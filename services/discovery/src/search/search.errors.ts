import { DomainError } from '@onair/errors';

/** South at or above north: a box upside down. */
export class BoxInvertedError extends DomainError {
  readonly code = 'DISCOVERY.BOX_INVERTED';
  readonly kind = 'invalid' as const;
  constructor() {
    super('south must be below north');
  }
}

/** West east of east: a box across the antimeridian; the client asks for its two halves. */
export class BoxWrapsWorldError extends DomainError {
  readonly code = 'DISCOVERY.BOX_WRAPS_WORLD';
  readonly kind = 'invalid' as const;
  constructor() {
    super('west must be west of east: split a box across the antimeridian into two requests');
  }
}

export class InvalidCursorError extends DomainError {
  readonly code = 'DISCOVERY.INVALID_CURSOR';
  readonly kind = 'invalid' as const;
  constructor() {
    super('not a cursor this query gave (nextCursor)');
  }
}

export class NothingLiveError extends DomainError {
  readonly code = 'DISCOVERY.NOTHING_LIVE';
  readonly kind = 'not_found' as const;
  constructor() {
    super('no public broadcast is live right now');
  }
}

export class SocialGraphUnavailableError extends DomainError {
  readonly code = 'DISCOVERY.SOCIAL_GRAPH_UNAVAILABLE';
  readonly kind = 'unavailable' as const;
  constructor() {
    super('circle broadcasts cannot be checked right now; try again shortly');
  }
}

export class SearchUnavailableError extends DomainError {
  readonly code = 'DISCOVERY.SEARCH_UNAVAILABLE';
  readonly kind = 'unavailable' as const;
  constructor() {
    super('search is unavailable right now; try again shortly');
  }
}
