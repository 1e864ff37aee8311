// stream-sessions' stream keys (GET /v1/broadcasts/:id/stream-key, POST …/rotate): what an
// encoder such as OBS presents to the broadcast's WHIP endpoint (or as RTMP stream name) instead of a session.
import { apiAsSignedIn } from '../session/session';

export interface StreamKeyView {
  broadcastId: string;
  /** The WHIP endpoint's path on this origin. */
  whipPath: string;
  /** The RTMP server URL (the stream name is the key); null when the platform has no RTMP ingest. */
  rtmpUrl: string | null;
  issued: boolean;
  issuedAt: string | null;
  /** The key's last 4 characters. */
  hint: string | null;
  /** Only in the answer that issued it: the server keeps a hash, never the key. */
  streamKey?: string;
}

const path = (broadcastId: string) => `/v1/broadcasts/${encodeURIComponent(broadcastId)}/stream-key`;

export const describeStreamKey = (broadcastId: string) => apiAsSignedIn<StreamKeyView>('GET', path(broadcastId));

/** A new key (the first, or one replacing the current key, which stops working at once). */
export const rotateStreamKey = (broadcastId: string) => apiAsSignedIn<StreamKeyView>('POST', `${path(broadcastId)}/rotate`);
