import type { Client, estypes } from '@elastic/elasticsearch';
import type { SocialGraphClient } from '@onair/social-graph-client';
import type { BroadcastDocument } from '../broadcasts/broadcast-document.js';
import type { IndexNames } from '../search-index/index-names.js';
import { followedBy, publicFor } from './audience-filters.js';
import { broadcastView, VIEW_FIELDS, type BroadcastView } from './broadcast-view.js';
import { decodeCursor, encodeCursor, type CursorShape } from './cursor.js';
import { MAP_FILTER_PATH, mapCells, mapSearchBody, markerOf } from './map-query.js';
import { NothingLiveError, SearchUnavailableError } from './search.errors.js';
import { MAP_SINGLES_ZOOM, type FollowingQuery, type MapQuery, type NearQuery, type SearchQuery, type TeleportQuery, type TrendingQuery } from './search.schemas.js';

type Query = estypes.QueryDslQueryContainer;
type Sort = estypes.SortCombinations[];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Trending: how much viewers and heart velocity count, and how fast freshness fades. */
const TRENDING = { viewersWeight: 1, heartsWeight: 2, freshnessScale: '2h', freshnessDecay: 0.5 };

/** The discovery queries, each one search request on the broadcasts alias. */
export class DiscoverySearch {
  constructor(
    private readonly es: Client,
    private readonly names: IndexNames,
    private readonly socialGraph: Pick<SocialGraphClient, 'circleMembership'>,
  ) {}

  async map(q: MapQuery, callerId: string) {
    const response = await this.search({ ...mapSearchBody(q, this.names.accounts, callerId), filter_path: MAP_FILTER_PATH });
    if (q.zoom >= MAP_SINGLES_ZOOM) return { zoom: q.zoom, clusters: [], broadcasts: (response.hits?.hits ?? []).map((h) => markerOf(h._source!)) };
    const clusters = mapCells(response).map((c) => ({ key: c.key, count: c.count, lat: c.lat, lon: c.lon, top: markerOf(c.top) }));
    return { zoom: q.zoom, clusters, broadcasts: [] };
  }

  async near(q: NearQuery, callerId: string): Promise<Page<BroadcastView & { distanceKm: number }>> {
    const point = { lat: q.lat, lon: q.lon };
    const sort: Sort = [{ _geo_distance: { location: point, order: 'asc', unit: 'km', distance_type: 'arc' } }, { broadcast_id: 'asc' }];
    const query: Query = { bool: { filter: [publicFor(this.names.accounts, callerId), { geo_distance: { distance: `${q.radiusKm}km`, location: point } }] } };
    const response = await this.page(query, sort, q, ['number', 'string']);
    return { items: response.hits.map((h) => ({ ...broadcastView(h._source!), distanceKm: Math.round((h.sort![0] as number) * 1000) / 1000 })), nextCursor: response.nextCursor };
  }

  /** Topic and full text (typo-tolerant: fuzzy matching, never a query string). */
  async text(q: SearchQuery, callerId: string): Promise<Page<BroadcastView>> {
    const filter: Query[] = [publicFor(this.names.accounts, callerId, q.state)];
    if (q.topic) filter.push({ term: { topics: q.topic } });
    if (q.language) filter.push({ term: { language: q.language } });
    const must: Query[] = q.q
      ? [{ multi_match: { query: q.q, fields: ['title^3', 'handle^2', 'display_name', 'topics'], fuzziness: 'AUTO', prefix_length: 1, max_expansions: 20 } }]
      : [];
    const sort: Sort = q.q ? ['_score', { started_at: 'desc' }, { broadcast_id: 'asc' }] : [{ started_at: 'desc' }, { broadcast_id: 'asc' }];
    const shape: CursorShape = q.q ? ['number', 'number', 'string'] : ['number', 'string'];
    const response = await this.page({ bool: { filter, must } }, sort, q, shape);
    return { items: response.hits.map((h) => broadcastView(h._source!)), nextCursor: response.nextCursor };
  }

  /** Viewers and heart velocity, fading with age: decay functions, no scripts. */
  async trending(q: TrendingQuery, callerId: string): Promise<BroadcastView[]> {
    const filter: Query[] = [publicFor(this.names.accounts, callerId)];
    if (q.language) filter.push({ term: { language: q.language } });
    const response = await this.search({
      size: q.limit,
      _source: VIEW_FIELDS,
      track_total_hits: false,
      query: {
        function_score: {
          query: {
            function_score: {
              query: { bool: { filter } },
              functions: [
                { field_value_factor: { field: 'viewers_now', modifier: 'ln2p', factor: 1, missing: 0 }, weight: TRENDING.viewersWeight },
                { field_value_factor: { field: 'heart_velocity', modifier: 'ln2p', factor: 1, missing: 0 }, weight: TRENDING.heartsWeight },
              ],
              score_mode: 'sum',
              boost_mode: 'replace',
            },
          },
          functions: [{ gauss: { started_at: { origin: 'now', scale: TRENDING.freshnessScale, decay: TRENDING.freshnessDecay } } }],
          boost_mode: 'multiply',
        },
      },
      sort: ['_score', { started_at: 'desc' }, { broadcast_id: 'asc' }],
    });
    return response.hits.hits.map((h) => broadcastView(h._source!));
  }

  /** One live public broadcast picked at random. */
  async teleport(q: TeleportQuery, callerId: string): Promise<BroadcastView> {
    const filter: Query[] = [publicFor(this.names.accounts, callerId)];
    if (q.language) filter.push({ term: { language: q.language } });
    const response = await this.search({
      size: 1,
      _source: VIEW_FIELDS,
      track_total_hits: false,
      query: { function_score: { query: { bool: { filter } }, functions: [{ random_score: {} }], boost_mode: 'replace' } },
    });
    const hit = response.hits.hits[0];
    if (!hit) throw new NothingLiveError();
    return broadcastView(hit._source!);
  }

  /**
   * Live broadcasts of accounts the caller follows, newest first: public and followers-only
   * ones, and circle ones only where social-graph says the caller is a member. A page may hold
   * fewer than `limit` items (circle broadcasts filtered out); follow nextCursor for more.
   */
  async following(q: FollowingQuery, callerId: string): Promise<Page<BroadcastView>> {
    const response = await this.page(followedBy(this.names.accounts, callerId), [{ started_at: 'desc' }, { broadcast_id: 'asc' }], q, ['number', 'string'], [...VIEW_FIELDS, 'circle_id']);
    const admitted = await Promise.all(
      response.hits.map(async (h) => {
        const d = h._source!;
        if (d.visibility !== 'circle') return true;
        if (!d.circle_id) return false;
        const membership = await this.socialGraph.circleMembership(d.circle_id, callerId);
        return !!membership?.member && membership.ownerId === d.owner_id;
      }),
    );
    return { items: response.hits.filter((_, i) => admitted[i]).map((h) => broadcastView(h._source!)), nextCursor: response.nextCursor };
  }

  private async page(query: Query, sort: Sort, q: { limit: number; cursor?: string }, shape: CursorShape, fields = VIEW_FIELDS) {
    const response = await this.search({
      query,
      sort,
      size: q.limit + 1,
      _source: fields,
      track_total_hits: false,
      search_after: decodeCursor(q.cursor, shape),
    });
    const hits = response.hits.hits.slice(0, q.limit);
    return { hits, nextCursor: response.hits.hits.length > q.limit ? encodeCursor(hits[hits.length - 1].sort) : null };
  }

  private async search(body: estypes.SearchRequest): Promise<estypes.SearchResponse<BroadcastDocument>> {
    try {
      return await this.es.search<BroadcastDocument>({ index: this.names.broadcasts, ...body });
    } catch (err) {
      const status = (err as { meta?: { statusCode?: number } }).meta?.statusCode;
      // Our requests are well-formed by construction: a failure is the cluster's, not the caller's.
      if (status === undefined || status >= 500 || status === 429) throw new SearchUnavailableError();
      throw err;
    }
  }
}
