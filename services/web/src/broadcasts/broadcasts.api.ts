// stream-sessions' broadcasts (GET/POST /v1/broadcasts), as the go-live and watch pages use them.
import { apiAsSignedIn } from '../session/session';

export type BroadcastState = 'created' | 'live' | 'ended' | 'replay_ready' | 'expired';

export function createBroadcast(title: string): Promise<{ id: string }> {
  return apiAsSignedIn('POST', '/v1/broadcasts', { title, topics: [], language: 'en', visibility: 'public' });
}

/** The parts of stream-sessions' BroadcastView these pages read. */
export interface Broadcast {
  id: string;
  title: string;
  state: BroadcastState;
}

export function getBroadcast(broadcastId: string): Promise<Broadcast> {
  return apiAsSignedIn<Broadcast>('GET', `/v1/broadcasts/${encodeURIComponent(broadcastId)}`);
}

export function endBroadcast(broadcastId: string): Promise<unknown> {
  return apiAsSignedIn('POST', `/v1/broadcasts/${encodeURIComponent(broadcastId)}/end`, {});
}
