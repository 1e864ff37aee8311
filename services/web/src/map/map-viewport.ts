// Where the map looks and how far in: Web Mercator "world pixels" (the whole world is 256×256
// at zoom 0, twice as wide at each zoom level, as on tiled web maps), so this map's zoom is the
// zoom discovery clusters by (GET /v1/discovery/map?zoom). The view never wraps around the
// antimeridian: a viewport is always one box with west < east, one request.
import { geoMercator } from 'd3-geo';

/** The world's width and height in world pixels at zoom 0. */
export const WORLD = 256;
export const MAX_ZOOM = 18;
/** Mercator's square world ends here; discovery accepts up to ±90. */
const MAX_LAT = 85.0511;

/** lon/lat → world pixels (and back with .invert). */
export const worldProjection = geoMercator()
  .scale(WORLD / (2 * Math.PI))
  .translate([WORLD / 2, WORLD / 2]);

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Mercator is defined everywhere the map asks (latitudes clamped): the fallbacks never apply. */
const project = (lon: number, lat: number): [number, number] => worldProjection([lon, clamp(lat, -MAX_LAT, MAX_LAT)]) ?? [0, 0];
const unproject = (x: number, y: number): [number, number] => worldProjection.invert?.([x, y]) ?? [0, 0];

export interface Viewport {
  /** The centre, in world pixels. */
  cx: number;
  cy: number;
  /** Continuous zoom: the world is WORLD × 2^z screen pixels wide. */
  z: number;
  /** The map's size on screen, CSS pixels. */
  width: number;
  height: number;
}

/** Zoomed out no further than the world covering the whole map (no empty bands to pan into). */
export const minZoom = (v: Pick<Viewport, 'width' | 'height'>) => Math.max(0, Math.log2(Math.max(v.width, v.height) / WORLD));

/** The same view, zoom and centre brought back inside the world. */
export function settle(v: Viewport): Viewport {
  const z = clamp(v.z, minZoom(v), MAX_ZOOM);
  const k = 2 ** z;
  const halfW = v.width / 2 / k;
  const halfH = v.height / 2 / k;
  return { ...v, z, cx: clamp(v.cx, halfW, WORLD - halfW), cy: clamp(v.cy, halfH, WORLD - halfH) };
}

/** The whole world, centred. */
export function worldView(width: number, height: number): Viewport {
  return settle({ cx: WORLD / 2, cy: WORLD / 2, z: 0, width, height });
}

/** Screen position of a place. */
export function toScreen(v: Viewport, lon: number, lat: number): [number, number] {
  const [x, y] = project(lon, lat);
  const k = 2 ** v.z;
  return [(x - v.cx) * k + v.width / 2, (y - v.cy) * k + v.height / 2];
}

/** The SVG transform that draws world pixels (the outline, drawn once) at this view. */
export function worldTransform(v: Viewport): string {
  const k = 2 ** v.z;
  return `translate(${v.width / 2 - v.cx * k} ${v.height / 2 - v.cy * k}) scale(${k})`;
}

/** What the map shows, as discovery's box. */
export function visibleBox(v: Viewport): { north: number; south: number; west: number; east: number } {
  const k = 2 ** v.z;
  const [west, north] = unproject(v.cx - v.width / 2 / k, v.cy - v.height / 2 / k);
  const [east, south] = unproject(v.cx + v.width / 2 / k, v.cy + v.height / 2 / k);
  const round = (n: number) => Math.round(n * 1e5) / 1e5;
  return { north: round(clamp(north, -90, 90)), south: round(clamp(south, -90, 90)), west: round(clamp(west, -180, 180)), east: round(clamp(east, -180, 180)) };
}

/** The whole zoom level discovery clusters for, 0–20. */
export const apiZoom = (v: Viewport) => clamp(Math.round(v.z), 0, 20);

/** Moved by a number of screen pixels. */
export const panBy = (v: Viewport, dx: number, dy: number): Viewport => settle({ ...v, cx: v.cx - dx / 2 ** v.z, cy: v.cy - dy / 2 ** v.z });

/** Zoomed by `dz` levels keeping the place under screen point (sx, sy) where it is. */
export function zoomAround(v: Viewport, dz: number, sx = v.width / 2, sy = v.height / 2): Viewport {
  const k = 2 ** v.z;
  const wx = v.cx + (sx - v.width / 2) / k;
  const wy = v.cy + (sy - v.height / 2) / k;
  const z = clamp(v.z + dz, minZoom(v), MAX_ZOOM);
  const k2 = 2 ** z;
  return settle({ ...v, z, cx: wx - (sx - v.width / 2) / k2, cy: wy - (sy - v.height / 2) / k2 });
}

/** A screen point, CSS pixels from the map's top left corner. */
export type ScreenPoint = readonly [number, number];

/**
 * Two fingers moved from `before` to `after`: zoomed by how much further apart they are (twice
 * the distance, one level) around their midpoint, and panned as the midpoint moved.
 */
export function pinched(v: Viewport, before: readonly [ScreenPoint, ScreenPoint], after: readonly [ScreenPoint, ScreenPoint]): Viewport {
  const distance = ([a, b]: readonly [ScreenPoint, ScreenPoint]) => Math.hypot(a[0] - b[0], a[1] - b[1]);
  const middle = ([a, b]: readonly [ScreenPoint, ScreenPoint]): ScreenPoint => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
  const [from, to] = [distance(before), distance(after)];
  // Fingers on one spot (or a lost move) say nothing about zoom.
  const dz = from > 1 && to > 1 ? Math.log2(to / from) : 0;
  const [m0, m1] = [middle(before), middle(after)];
  return panBy(zoomAround(v, dz, m0[0], m0[1]), m1[0] - m0[0], m1[1] - m0[1]);
}

/** Centred on a place, at zoom `z`. */
export function centreOn(v: Viewport, lon: number, lat: number, z: number): Viewport {
  const [cx, cy] = project(lon, lat);
  return settle({ ...v, cx, cy, z });
}

/** The same place in the middle on a map of another size. */
export const resized = (v: Viewport, width: number, height: number): Viewport => settle({ ...v, width, height });
