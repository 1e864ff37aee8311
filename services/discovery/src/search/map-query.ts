import type { estypes } from '@elastic/elasticsearch';
import type { BroadcastDocument } from '../broadcasts/broadcast-document.js';
import { publicFor } from './audience-filters.js';
import { MAP_SINGLES_ZOOM, type MapQuery } from './search.schemas.js';

/** Cells of a clustered map: a 256 px tile split in 4 x 4, i.e. about one cluster per 64 px. */
const CELLS_PER_TILE_LEVELS = 2;
const MAX_PRECISION = 29;
/** At most this many clusters (the busiest) or single broadcasts per viewport (a 1920 x 1080 map holds ~500 cells). */
export const MAX_CELLS = 500;
export const MAX_SINGLES = 500;

/**
 * What a map marker shows; a tap fetches the rest (GET /v1/broadcasts/{id}). Kept small: up to
 * 500 markers per answer, and the fetch phase reads these fields of every one.
 */
export const MARKER_FIELDS = ['broadcast_id', 'owner_id', 'handle', 'title', 'location', 'viewers_now'];

export interface MapMarker {
  id: string;
  title: string;
  lat: number;
  lon: number;
  viewersNow: number;
  owner: { id: string; handle: string | null };
}

export const markerOf = (d: BroadcastDocument): MapMarker => ({
  id: d.broadcast_id,
  title: d.title ?? '',
  lat: d.location?.lat ?? 0,
  lon: d.location?.lon ?? 0,
  viewersNow: d.viewers_now ?? 0,
  owner: { id: d.owner_id, handle: d.handle ?? null },
});

/**
 * The map of a viewport as one search request: zoomed out, `geotile_grid` clusters (count,
 * centre, the most watched broadcast of each); from MAP_SINGLES_ZOOM on, the broadcasts
 * themselves. The bench sends this same body straight to Elasticsearch.
 */
export function mapSearchBody(q: MapQuery, accountsIndex: string, callerId: string): estypes.SearchRequest {
  const box = { top_left: { lat: q.north, lon: q.west }, bottom_right: { lat: q.south, lon: q.east } };
  const query = { bool: { filter: [publicFor(accountsIndex, callerId), { geo_bounding_box: { location: box } }] } };
  if (q.zoom >= MAP_SINGLES_ZOOM) {
    return { query, size: MAX_SINGLES, _source: MARKER_FIELDS, sort: [{ viewers_now: 'desc' }, { broadcast_id: 'asc' }], track_total_hits: false };
  }
  return {
    // Scored by viewers, so each cell's top hit is its most watched broadcast without a sort
    // per cell (a field sort in top_hits costs a third more on 100,000 broadcasts).
    query: { function_score: { query, functions: [{ field_value_factor: { field: 'viewers_now', missing: 0 } }], boost_mode: 'replace' } },
    size: 0,
    track_total_hits: false,
    aggs: {
      cells: {
        geotile_grid: { field: 'location', precision: Math.min(q.zoom + CELLS_PER_TILE_LEVELS, MAX_PRECISION), size: MAX_CELLS, bounds: box },
        aggs: {
          centre: { geo_centroid: { field: 'location' } },
          top: { top_hits: { size: 1, _source: MARKER_FIELDS } },
        },
      },
    },
  };
}

/** Only what mapCells and markerOf read of the answer (a response parameter, not part of the query). */
export const MAP_FILTER_PATH = [
  'hits.hits._source',
  'aggregations.cells.buckets.key',
  'aggregations.cells.buckets.doc_count',
  'aggregations.cells.buckets.centre.location',
  'aggregations.cells.buckets.top.hits.hits._source',
].join(',');

export interface MapCell {
  key: string;
  count: number;
  lat: number;
  lon: number;
  top: BroadcastDocument;
}

interface CellBucket {
  key: string;
  doc_count: number;
  centre: { location?: { lat: number; lon: number } };
  top: { hits: { hits: Array<{ _source: BroadcastDocument }> } };
}

/** The clusters of a geotile_grid answer. */
export function mapCells(response: estypes.SearchResponse<BroadcastDocument>): MapCell[] {
  const buckets = ((response.aggregations?.cells as { buckets?: CellBucket[] } | undefined)?.buckets ?? []) as CellBucket[];
  return buckets.map((b) => ({
    key: b.key,
    count: b.doc_count,
    lat: b.centre.location?.lat ?? b.top.hits.hits[0]._source.location!.lat,
    lon: b.centre.location?.lon ?? b.top.hits.hits[0]._source.location!.lon,
    top: b.top.hits.hits[0]._source,
  }));
}
