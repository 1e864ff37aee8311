import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { clearPageMarks, markPage } from '../app/page-marks';
import { ChatPanel } from '../chat/chat-panel';
import { ChatRoom } from '../chat/chat-room';
import { FloatingHearts } from '../chat/floating-hearts';
import { BroadcastOptions } from './broadcast-options';
import { BroadcastOptionsFields } from './broadcast-options-fields';
import { EncoderPanel } from './encoder-panel';
import { session } from '../session/session';
import { SignInForm } from '../session/sign-in-form';
import { Studio } from './studio';

export default function GoLivePage() {
  return (
    <section class="live-page">
      <h1>Go live</h1>
      {session.value ? <StudioView /> : <SignInForm heading="Sign in to go live" />}
    </section>
  );
}

function StudioView() {
  const studio = useMemo(() => new Studio(), []);
  const options = useMemo(() => new BroadcastOptions(), []);
  const [chat, setChat] = useState<ChatRoom>();
  /** Ending asks once more: a stray click should not end a broadcast for everyone. */
  const [confirmingEnd, setConfirmingEnd] = useState(false);
  const preview = useRef<HTMLVideoElement>(null);
  const state = studio.state.value;
  const broadcastId = studio.broadcastId.value;

  useEffect(() => {
    markPage({ state: 'idle' });
    void studio.preview();
    void options.loadCircles();
    return () => {
      studio.close();
      clearPageMarks();
    };
  }, []);
  useEffect(() => {
    if (preview.current) preview.current.srcObject = studio.camera.value ?? null;
  }, [studio.camera.value]);
  // The broadcaster's chat opens once live, once per broadcast: publishing again keeps it.
  useEffect(() => {
    if (state !== 'live' || chat || !broadcastId) return;
    const room = new ChatRoom(broadcastId);
    setChat(room);
    void room.open();
  }, [state]);
  useEffect(() => () => chat?.leave(), [chat]);

  const goLive = (e: Event) => {
    e.preventDefault();
    const title = String(new FormData(e.currentTarget as HTMLFormElement).get('title') ?? '').trim();
    void studio.goLive(options.draft(title));
  };
  /** The broadcast goes live from an encoder (OBS): created here, published over WHIP. */
  const [forEncoder, setForEncoder] = useState(false);
  const prepareForEncoder = (e: Event) => {
    const form = (e.currentTarget as HTMLButtonElement).form;
    const title = String((form && new FormData(form).get('title')) ?? '').trim();
    setForEncoder(true);
    void studio.prepareForEncoder(options.draft(title));
  };
  const watchUrl = broadcastId && state !== 'starting' ? `${location.origin}/watch/${broadcastId}` : undefined;
  return (
    <div class="live-layout">
      <div class="stage">
        <div class="video-frame">
          <video id="preview" ref={preview} autoplay muted playsInline aria-label="Camera preview" />
          {state === 'live' && <span class="live-badge">Live</span>}
          {chat && <FloatingHearts room={chat} />}
        </div>
        {chat && (
          <p class="live-stats">
            <span id="viewer-count" class="viewer-count">
              {chat.presence.value.watching}
            </span>{' '}
            watching · <span id="studio-hearts">{chat.hearts.value}</span> hearts
          </p>
        )}
        <form class="studio-controls" onSubmit={goLive}>
          <label for="title">Title</label>
          <input id="title" name="title" maxLength={140} placeholder="What are you showing?" disabled={!studio.canGoLive.value} />
          {/* Once created, the broadcast keeps its topics, place and audience (a retry reuses it). */}
          <BroadcastOptionsFields options={options} disabled={!studio.canGoLive.value || Boolean(broadcastId)} />
          <div class="actions">
            <button id="golive" class="primary" type="submit" disabled={!studio.canGoLive.value}>
              Go live
            </button>
            <button id="golive-encoder" type="button" disabled={!studio.canGoLive.value || (forEncoder && Boolean(broadcastId))} onClick={prepareForEncoder}>
              Go live from OBS
            </button>
            <button id="end" type="button" class="danger" aria-expanded={confirmingEnd} disabled={!broadcastId || studio.over.value || state === 'starting'} onClick={() => setConfirmingEnd(true)}>
              End broadcast
            </button>
          </div>
          {confirmingEnd && !studio.over.value && (
            <div class="actions" role="group" aria-label="End the broadcast for everyone?">
              <span>End the broadcast for everyone?</span>
              <button id="end-confirm" type="button" class="danger" onClick={() => (setConfirmingEnd(false), void studio.end())}>
                Yes, end it
              </button>
              <button id="end-cancel" type="button" onClick={() => setConfirmingEnd(false)}>
                Keep going
              </button>
            </div>
          )}
        </form>
        <p id="status" role="status">
          {studio.status.value}
        </p>
        {forEncoder && broadcastId && !studio.over.value && <EncoderPanel broadcastId={broadcastId} />}
        {watchUrl && (
          <p class="share">
            Viewers watch at{' '}
            <a id="watch" href={watchUrl} target="_blank" rel="noopener">
              {watchUrl}
            </a>
          </p>
        )}
      </div>
      {chat && <ChatPanel room={chat} />}
    </div>
  );
}
