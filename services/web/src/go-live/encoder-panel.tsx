import { useEffect, useState } from 'preact/hooks';
import './encoder-panel.css';
import { describeError } from '../api/error-words';
import { getBroadcast } from '../broadcasts/broadcasts.api';
import { describeStreamKey, rotateStreamKey, type StreamKeyView } from './stream-key.api';

/** How often the panel asks whether the encoder's stream made the broadcast live. */
const STATE_POLL_MS = 2000;

/**
 * "Go live from OBS": the broadcast's WHIP URL, RTMP URL (when the platform has an RTMP
 * ingest) and stream key, for an encoder instead of the camera. The key is issued once the panel opens (the server keeps only its hash, so it is shown
 * while this page holds it; a later visit rotates to see one), hidden until Show.
 */
export function EncoderPanel({ broadcastId }: { broadcastId: string }) {
  const [key, setKey] = useState<StreamKeyView>();
  const [shown, setShown] = useState(false);
  const [status, setStatus] = useState('');
  const [state, setState] = useState<string>();
  const whipUrl = `${location.origin}/v1/broadcasts/${broadcastId}/whip`;

  const rotate = async () => {
    try {
      setKey(await rotateStreamKey(broadcastId));
      setStatus('A new stream key is ready; any key given before stops working now.');
    } catch (err) {
      setStatus(describeError(err));
    }
  };
  useEffect(() => {
    // A key issued on an earlier visit cannot be shown again: say so rather than replace it unasked.
    void describeStreamKey(broadcastId)
      .then((current) => (current.issued ? setKey(current) : rotate()))
      .catch((err: unknown) => setStatus(describeError(err)));
    const poll = setInterval(() => void getBroadcast(broadcastId).then((b) => setState(b.state), () => undefined), STATE_POLL_MS);
    return () => clearInterval(poll);
  }, [broadcastId]);

  const copy = (text: string, what: string) =>
    void navigator.clipboard.writeText(text).then(
      () => setStatus(`${what} copied.`),
      () => setStatus(`${what} could not be copied: select it and copy it by hand.`),
    );
  const secret = key?.streamKey;
  return (
    <section class="card encoder-panel" aria-labelledby="encoder-heading">
      <h2 id="encoder-heading">Go live from OBS</h2>
      <p class="hint">In OBS: Settings → Stream → Service: WHIP, then the Server URL and Bearer Token below. Start Streaming goes live here.</p>
      <label for="whip-url">Server URL</label>
      <div class="copy-row">
        <input id="whip-url" readOnly value={whipUrl} />
        <button type="button" id="copy-whip-url" onClick={() => copy(whipUrl, 'The server URL')}>
          Copy
        </button>
      </div>
      {key?.rtmpUrl && (
        <>
          <p class="hint" id="rtmp-hint">
            Or over RTMP (any encoder; Service: Custom in OBS): the RTMP server below, and the same stream key as Stream Key.
          </p>
          <label for="rtmp-url">RTMP server</label>
          <div class="copy-row">
            <input id="rtmp-url" readOnly value={key.rtmpUrl} aria-describedby="rtmp-hint" />
            <button type="button" id="copy-rtmp-url" onClick={() => copy(key.rtmpUrl ?? '', 'The RTMP server')}>
              Copy
            </button>
          </div>
        </>
      )}
      <label for="stream-key">Bearer token (stream key)</label>
      <div class="copy-row">
        {secret ? (
          shown ? (
            <input id="stream-key" readOnly type="text" value={secret} autoComplete="off" />
          ) : (
            <input id="stream-key" readOnly type="password" value={secret} autoComplete="off" />
          )
        ) : (
          <input id="stream-key" readOnly value={key?.hint ? `…${key.hint} (shown once: rotate for a new key)` : ''} />
        )}
        {secret && (
          <button type="button" id="show-stream-key" aria-pressed={shown} onClick={() => setShown(!shown)}>
            {shown ? 'Hide' : 'Show'}
          </button>
        )}
        {secret && (
          <button type="button" id="copy-stream-key" onClick={() => copy(secret, 'The stream key')}>
            Copy
          </button>
        )}
      </div>
      <div class="actions">
        <button type="button" id="rotate-stream-key" onClick={() => void rotate()}>
          Rotate key
        </button>
      </div>
      <p id="encoder-status" role="status">
        {state === 'live' ? 'Live from the encoder. ' : state === 'created' ? 'Waiting for the encoder… ' : ''}
        {status}
      </p>
    </section>
  );
}
