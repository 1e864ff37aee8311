import type { estypes } from '@elastic/elasticsearch';

type Query = estypes.QueryDslQueryContainer;

/**
 * Broadcasts whose owners blocked the caller, or whom the caller blocked, never appear: two
 * terms lookups into the caller's account document (a realtime get inside Elasticsearch, no
 * script, no second round trip). A caller with no document yet has nobody to hide.
 */
export function notBlockedFor(accountsIndex: string, callerId: string): Query[] {
  return ['blocked_by', 'blocking'].map((path) => ({ terms: { owner_id: { index: accountsIndex, id: callerId, path } } }));
}

/** What public surfaces (search, map, near me, trending, teleport) may show the caller. */
export function publicFor(accountsIndex: string, callerId: string, state: 'live' | 'replay' = 'live'): Query {
  return {
    bool: {
      filter: [{ term: { state } }, { term: { visibility: 'public' } }],
      must_not: notBlockedFor(accountsIndex, callerId),
    },
  };
}

/**
 * Live broadcasts of accounts the caller follows: public, followers-only, and circle ones
 * (whose membership is checked afterwards, per result). Also a terms lookup, on `following`.
 */
export function followedBy(accountsIndex: string, callerId: string): Query {
  return {
    bool: {
      filter: [{ term: { state: 'live' } }, { terms: { owner_id: { index: accountsIndex, id: callerId, path: 'following' } } }],
      must_not: notBlockedFor(accountsIndex, callerId),
    },
  };
}
