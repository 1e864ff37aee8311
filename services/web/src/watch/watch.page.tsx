import { useEffect, useMemo, useState } from 'preact/hooks';
import { clearPageMarks, markPage } from '../app/page-marks';
import { getBroadcast } from '../broadcasts/broadcasts.api';
import { ChatPanel } from '../chat/chat-panel';
import { ChatRoom } from '../chat/chat-room';
import type { PageProps } from '../router/routes';
import { session } from '../session/session';
import { SignInForm } from '../session/sign-in-form';
import { Viewer } from './viewer';

export default function WatchPage({ params }: PageProps) {
  const { broadcastId } = params;
  const [title, setTitle] = useState<string>();
  const signedIn = Boolean(session.value);
  // The title is a nicety: the video and chat do not wait for it, nor fail without it.
  useEffect(() => {
    if (signedIn) getBroadcast(broadcastId).then((b) => setTitle(b.title), () => undefined);
  }, [signedIn]);
  return (
    <section class="live-page">
      <h1>{title || 'Watch'}</h1>
      {signedIn ? <ViewerView key={broadcastId} broadcastId={broadcastId} /> : <SignInForm heading="Sign in to watch" />}
    </section>
  );
}

function ViewerView({ broadcastId }: { broadcastId: string }) {
  const viewer = useMemo(() => new Viewer(broadcastId), []);
  const chat = useMemo(() => new ChatRoom(broadcastId), []);
  const state = viewer.state.value;
  useEffect(() => {
    markPage({ state: 'idle', broadcastId });
    // The chat runs beside the video, on its own: a video problem does not close it, nor the other way round.
    void chat.open();
    void viewer.watch();
    return () => {
      viewer.leave();
      chat.leave();
      clearPageMarks();
    };
  }, []);
  useEffect(() => chat.setWatching(state === 'watching'), [state]);
  return (
    <div class="live-layout">
      <div class="stage">
        <div class="video-frame">
          <video id="player" ref={(v) => viewer.attach(v)} autoplay muted playsInline controls aria-label="Live video" />
          {state === 'watching' && <span class="live-badge">Live</span>}
        </div>
        <p id="status" role="status">
          {viewer.status.value}
        </p>
        {state === 'ended' && (
          <p>
            <a href="/">See who else is live</a>
          </p>
        )}
      </div>
      <ChatPanel room={chat} />
    </div>
  );
}
