// Plays a replay's HLS VOD in a <video> with hls.js (hls-playback.ts). The browser's own HLS is
// the fallback where there is no MSE at all; it cannot send the token, so until the API takes
// another credential for media, those browsers get the API's refusal in words.
import { api } from '../api/api-client';
import { accessToken } from '../session/session';
import { attachHls, HLS_TYPE, hlsSupported } from './hls-playback';
import { replayPlaylistUrl } from './replays.api';

/** Starts playing `broadcastId`'s replay in `video`; `onFailure` gets why it cannot. Returns a stop. */
export function playReplay(video: HTMLVideoElement, broadcastId: string, onFailure: (err: unknown) => void): () => void {
  const url = replayPlaylistUrl(broadcastId);
  if (!hlsSupported()) {
    if (!video.canPlayType(HLS_TYPE)) {
      onFailure(new Error('This browser cannot play replays.'));
      return () => undefined;
    }
    video.src = url;
    video.addEventListener('error', () => void explainFailure(broadcastId).then(onFailure), { once: true });
    return () => video.removeAttribute('src');
  }
  return attachHls(video, url, {
    live: false,
    // A network failure is most often the API's refusal (expired, not admitted): ask it for its code.
    onFatal: (network, details) =>
      network ? void explainFailure(broadcastId).then(onFailure) : onFailure(new Error(`The replay could not be played (${details}).`)),
  });
}

/** The API's error for the playlist (its code has words), or a plain one if it answers fine now. */
async function explainFailure(broadcastId: string): Promise<unknown> {
  try {
    await api('GET', replayPlaylistUrl(broadcastId), { token: await accessToken() });
    return new Error('The replay stopped loading. Reload the page to try again.');
  } catch (err) {
    return err;
  }
}
