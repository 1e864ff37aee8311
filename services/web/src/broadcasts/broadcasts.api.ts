// stream-sessions' broadcasts (GET/POST /v1/broadcasts), as the go-live and watch pages use them.
import { apiAsSignedIn } from '../session/session';

export type BroadcastState = 'created' | 'live' | 'ended' | 'replay_ready' | 'expired';

/** The API's precisions: a position is rounded to ~1 km, ~10 km or ~100 km before it is stored. */
export type LocationPrecision = 'neighbourhood' | 'city' | 'region';

/** `circle:<id>` names the circle whose members may watch. */
export type Visibility = 'public' | 'followers' | `circle:${string}`;

/** What the go-live form sends (POST /v1/broadcasts). */
export interface BroadcastDraft {
  title: string;
  topics: string[];
  location?: { latitude: number; longitude: number; precision: LocationPrecision };
  visibility: Visibility;
}

/** The API's limits on topics (broadcast.schemas.ts): at most 5, each letters, digits, _ or -, ≤ 32. */
export const MAX_TOPICS = 5;
export const TOPIC_PATTERN = /^[\p{L}\p{N}_-]{1,32}$/u;

export function createBroadcast(draft: BroadcastDraft): Promise<{ id: string }> {
  return apiAsSignedIn('POST', '/v1/broadcasts', { language: 'en', ...draft, title: draft.title || 'Untitled broadcast' });
}

/** The parts of stream-sessions' BroadcastView these pages read. */
export interface Broadcast {
  id: string;
  ownerId: string;
  title: string;
  state: BroadcastState;
  /** taken_down: by OnAir's operators. */
  endReason?: 'owner' | 'publisher_gone' | 'taken_down' | null;
  stats?: { viewersNow: number; viewersPeak: number; heartsTotal: number };
}

export function getBroadcast(broadcastId: string): Promise<Broadcast> {
  return apiAsSignedIn<Broadcast>('GET', `/v1/broadcasts/${encodeURIComponent(broadcastId)}`);
}

export function endBroadcast(broadcastId: string): Promise<unknown> {
  return apiAsSignedIn('POST', `/v1/broadcasts/${encodeURIComponent(broadcastId)}/end`, {});
}

/** Where a broadcast's replay is watched (the replays page, issue 14). */
export function replayPath(broadcastId: string): string {
  return `/replays/${encodeURIComponent(broadcastId)}`;
}
