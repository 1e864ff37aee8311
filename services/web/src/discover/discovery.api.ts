// Discovery's read API (services/discovery, GET /v1/discovery/*), as the map and following
// pages use it. Every call is made as the signed-in person: discovery answers nobody else.
import { apiAsSignedIn } from '../session/session';

/** A broadcast as discovery lists it (its BroadcastView, the parts the pages show). */
export interface FoundBroadcast {
  id: string;
  title: string;
  topics: string[];
  state: 'live' | 'replay';
  location: { lat: number; lon: number } | null;
  viewersNow: number;
  heartsTotal: number;
  owner: { id: string; handle: string | null; displayName: string | null };
  /** Only in /near's answer. */
  distanceKm?: number;
}

/** A map marker: a broadcast's place and title (details are one GET /v1/broadcasts/{id} away). */
export interface MapMarker {
  id: string;
  title: string;
  lat: number;
  lon: number;
  viewersNow: number;
  owner: { id: string; handle: string | null };
}

/** A cell of broadcasts close together: how many, their centre and the most watched of them. */
export interface MapCluster {
  key: string;
  count: number;
  lat: number;
  lon: number;
  top: MapMarker;
}

/** Below zoom 14 discovery answers clusters only, from 14 on single broadcasts only. */
export interface MapAnswer {
  zoom: number;
  clusters: MapCluster[];
  broadcasts: MapMarker[];
}

export interface Box {
  north: number;
  south: number;
  west: number;
  east: number;
}

interface Page {
  items: FoundBroadcast[];
  nextCursor?: string | null;
}

const query = (params: Record<string, string | number | undefined>) =>
  new URLSearchParams(Object.entries(params).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]]))).toString();

/** West must be west of east: the map never asks across the antimeridian (its view does not wrap). */
export function mapMarkers(box: Box, zoom: number): Promise<MapAnswer> {
  return apiAsSignedIn('GET', `/v1/discovery/map?${query({ ...box, zoom })}`);
}

export async function searchBroadcasts(by: { q?: string; topic?: string }): Promise<FoundBroadcast[]> {
  return (await apiAsSignedIn<Page>('GET', `/v1/discovery/search?${query({ ...by, limit: 50 })}`)).items;
}

export async function nearBroadcasts(lat: number, lon: number, radiusKm = 50): Promise<FoundBroadcast[]> {
  return (await apiAsSignedIn<Page>('GET', `/v1/discovery/near?${query({ lat, lon, radiusKm, limit: 50 })}`)).items;
}

export async function trendingNow(): Promise<FoundBroadcast[]> {
  return (await apiAsSignedIn<Page>('GET', '/v1/discovery/trending?limit=20')).items;
}

/** One live public broadcast at random; refused with DISCOVERY.NOTHING_LIVE (404) when none is. */
export function teleport(): Promise<FoundBroadcast> {
  return apiAsSignedIn('GET', '/v1/discovery/teleport');
}

/** The live broadcasts of the accounts the caller follows, a page at a time. */
export function followingLive(cursor?: string): Promise<Page> {
  return apiAsSignedIn('GET', `/v1/discovery/following?${query({ limit: 50, cursor })}`);
}
