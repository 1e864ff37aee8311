// The land of the world, shipped with the client (world-atlas's 1:110m land, about 21 kB
// gzipped): the map needs no tile server and works offline. Projected once into world pixels;
// the map moves and scales it with an SVG transform rather than re-projecting at every step.
import { geoPath } from 'd3-geo';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { feature } from 'topojson-client';
import land from 'world-atlas/land-110m.json';
import { worldProjection } from './map-viewport';

const topology = land as unknown as Topology<{ land: GeometryCollection }>;

/** The SVG path data of the land, in world pixels. */
export const LAND_PATH: string = geoPath(worldProjection)(feature(topology, topology.objects.land)) ?? '';
