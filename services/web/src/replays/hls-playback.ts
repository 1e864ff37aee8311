// hls.js in a <video>, for replays (VOD) and the live broadcast's HLS (watch page fallback). The
// files answer only with the viewer's access token, and a <video src> cannot send one: hls.js
// (Media Source Extensions, or ManagedMediaSource on iOS 17.1+) fetches them with the
// Authorization header.
// The light build: no subtitles, alternate audio nor DRM, which our HLS does not have (a third smaller).
import Hls, { ErrorTypes, type LoadPolicy, type RetryConfig } from 'hls.js/light';
import { accessToken } from '../session/session';

export const HLS_TYPE = 'application/vnd.apple.mpegurl';

export interface HlsOptions {
  /** A live playlist: it grows, and may not be written yet when asked first (404 then is asked again). */
  live: boolean;
  /** hls.js gave up; `network`: a file could not be loaded (most often the API's refusal). */
  onFatal: (network: boolean, details: string) => void;
}

/** hls.js can play here (else only a browser's own HLS, which cannot send the token). */
export const hlsSupported = (): boolean => Hls.isSupported();

// hls.js retries 5xx and timeouts, never a 4xx (the API's refusals: not admitted, over, gone).
// A live playlist's 404 is the exception: the recording writes its first one ~2 s in.
const retryLiveNotFound: RetryConfig['shouldRetry'] = (config, count, _timeout, response, retry) =>
  retry || (response?.code === 404 && !!config && count < config.maxNumRetry);

const livePolicy = (errorRetries: number): LoadPolicy => ({
  default: {
    maxTimeToFirstByteMs: 10_000,
    maxLoadTimeMs: 20_000,
    timeoutRetry: { maxNumRetry: 2, retryDelayMs: 0, maxRetryDelayMs: 0 },
    errorRetry: { maxNumRetry: errorRetries, retryDelayMs: 1000, maxRetryDelayMs: 4000, shouldRetry: retryLiveNotFound },
  },
});

const LIVE = {
  // Two segments (~4 s) behind the newest: room for one late segment without a stall.
  liveSyncDurationCount: 2,
  manifestLoadPolicy: livePolicy(10),
  playlistLoadPolicy: livePolicy(3),
};

/** Plays `url` in `video` until the returned stop is called or hls.js gives up (`onFatal`). */
export function attachHls(video: HTMLVideoElement, url: string, { live, onFatal }: HlsOptions): () => void {
  const hls = new Hls({
    // A worker would be a blob: script, which the page's CSP does not allow; the main thread is fine here.
    enableWorker: false,
    xhrSetup: async (xhr) => xhr.setRequestHeader('Authorization', `Bearer ${await accessToken()}`),
    ...(live ? LIVE : {}),
  });
  hls.on(Hls.Events.ERROR, (_event, data) => {
    if (!data.fatal) return;
    hls.destroy();
    onFatal(data.type === ErrorTypes.NETWORK_ERROR, data.details);
  });
  hls.loadSource(url);
  hls.attachMedia(video);
  return () => hls.destroy();
}
