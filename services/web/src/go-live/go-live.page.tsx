import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { clearPageMarks, markPage } from '../app/page-marks';
import { ChatPanel } from '../chat/chat-panel';
import { ChatRoom } from '../chat/chat-room';
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
  const [chat, setChat] = useState<ChatRoom>();
  const preview = useRef<HTMLVideoElement>(null);
  const state = studio.state.value;
  const broadcastId = studio.broadcastId.value;

  useEffect(() => {
    markPage({ state: 'idle' });
    void studio.preview();
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
    void studio.goLive(title);
  };
  const watchUrl = broadcastId && state !== 'starting' ? `${location.origin}/watch/${broadcastId}` : undefined;
  return (
    <div class="live-layout">
      <div class="stage">
        <div class="video-frame">
          <video id="preview" ref={preview} autoplay muted playsInline aria-label="Camera preview" />
          {state === 'live' && <span class="live-badge">Live</span>}
        </div>
        <form class="studio-controls" onSubmit={goLive}>
          <label for="title">Title</label>
          <input id="title" name="title" maxLength={120} placeholder="What are you showing?" disabled={!studio.canGoLive.value} />
          <div class="actions">
            <button id="golive" class="primary" type="submit" disabled={!studio.canGoLive.value}>
              Go live
            </button>
            <button id="end" type="button" class="danger" disabled={!broadcastId || studio.over.value || state === 'starting'} onClick={() => void studio.end()}>
              End broadcast
            </button>
          </div>
        </form>
        <p id="status" role="status">
          {studio.status.value}
        </p>
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
