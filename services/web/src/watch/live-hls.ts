// The live broadcast over HLS in the watch page's <video>: what the page falls back to when
// WebRTC is out of reach (hls-fallback.ts). A few seconds behind live, but it scales past the
// SFUs' capacity: stream-sessions serves the recording's files with cache headers a CDN can use.
// Loaded only when needed (hls.js is a large part of it).
import { api, ApiError } from '../api/api-client';
import type { EndReason } from '../broadcasts/end-reason';
import { attachHls, hlsSupported } from '../replays/hls-playback';
import { accessToken } from '../session/session';
import { WEBRTC_UNREACHABLE } from './hls-fallback';

export const livePlaylistUrl = (broadcastId: string) => `/v1/broadcasts/${encodeURIComponent(broadcastId)}/live/index.m3u8`;

/** What the page says while it plays the HLS, and why it does. */
export function hlsStatus(why: string): string {
  const reason = why === WEBRTC_UNREACHABLE ? 'a direct connection to the video servers could not be made' : 'the live video servers are full';
  return `Watching over HLS: a few seconds behind live (${reason}).`;
}

/** How the live HLS stopped: the broadcast is over (and why, when known), or a failure. */
type Outcome = { ended: EndReason | undefined } | { error: unknown };

export interface LiveHlsEvents {
  /** The picture moves. */
  playing(): void;
  ended(reason?: EndReason): void;
  failed(err: unknown): void;
}

/** Plays the live HLS in `video`, marked on the page as data-transport="hls"; returns a stop. */
export function playLiveHls(video: HTMLVideoElement, broadcastId: string, on: LiveHlsEvents): () => void {
  if (!hlsSupported()) {
    on.failed(new Error('This browser cannot play the live video here: a direct connection could not be made and it has no HLS player.'));
    return () => undefined;
  }
  document.body.dataset.transport = 'hls';
  video.srcObject = null;
  let stopped = false;
  const onPlaying = () => on.playing();
  video.addEventListener('playing', onPlaying, { once: true });
  const stopHls = attachHls(video, livePlaylistUrl(broadcastId), {
    live: true,
    onFatal: (network, details) => {
      const outcome: Promise<Outcome> = network ? outcomeOf(broadcastId) : Promise.resolve({ error: new Error(`The live video could not be played (${details}).`) });
      void outcome.then((o) => {
        if (stopped) return;
        if ('ended' in o) on.ended(o.ended);
        else on.failed(o.error);
      });
    },
  });
  return () => {
    stopped = true;
    stopHls();
    video.removeEventListener('playing', onPlaying);
    delete document.body.dataset.transport;
  };
}

/** Why the playlist stopped loading, as the API says now: the broadcast is over, or a refusal with its code. */
async function outcomeOf(broadcastId: string): Promise<Outcome> {
  try {
    await api('GET', livePlaylistUrl(broadcastId), { token: await accessToken() });
    return { error: new Error('The live video stopped loading. Reload the page to try again.') };
  } catch (err) {
    if (err instanceof ApiError && err.code === 'STREAM_SESSIONS.LIVE_HLS_ENDED') return { ended: undefined };
    if (err instanceof ApiError && err.code === 'STREAM_SESSIONS.BROADCAST_TAKEN_DOWN') return { ended: 'taken_down' };
    return { error: err };
  }
}
