// Plays a replay's HLS VOD in a <video>. The files answer only with the viewer's access token,
// and a <video src> cannot send one: hls.js (Media Source Extensions, or ManagedMediaSource on
// iOS 17.1+) fetches them with the Authorization header. The browser's own HLS is the fallback
// where there is no MSE at all; it cannot send the token, so until the API takes another
// credential for media, those browsers get the API's refusal in words.
// The light build: no subtitles, alternate audio nor DRM, which replays do not have (a third smaller).
import Hls, { ErrorTypes } from 'hls.js/light';
import { api } from '../api/api-client';
import { accessToken } from '../session/session';
import { replayPlaylistUrl } from './replays.api';

const HLS_TYPE = 'application/vnd.apple.mpegurl';

/** Starts playing `broadcastId`'s replay in `video`; `onFailure` gets why it cannot. Returns a stop. */
export function playReplay(video: HTMLVideoElement, broadcastId: string, onFailure: (err: unknown) => void): () => void {
  const url = replayPlaylistUrl(broadcastId);
  if (!Hls.isSupported()) {
    if (!video.canPlayType(HLS_TYPE)) {
      onFailure(new Error('This browser cannot play replays.'));
      return () => undefined;
    }
    video.src = url;
    video.addEventListener('error', () => void explainFailure(broadcastId).then(onFailure), { once: true });
    return () => video.removeAttribute('src');
  }
  const hls = new Hls({
    // A worker would be a blob: script, which the page's CSP does not allow; the main thread is fine for VOD.
    enableWorker: false,
    xhrSetup: async (xhr) => xhr.setRequestHeader('Authorization', `Bearer ${await accessToken()}`),
  });
  hls.on(Hls.Events.ERROR, (_event, data) => {
    if (!data.fatal) return;
    // A network failure is most often the API's refusal (expired, not admitted): ask it for its code.
    if (data.type === ErrorTypes.NETWORK_ERROR) void explainFailure(broadcastId).then(onFailure);
    else onFailure(new Error(`The replay could not be played (${data.details}).`));
    hls.destroy();
  });
  hls.loadSource(url);
  hls.attachMedia(video);
  return () => hls.destroy();
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
