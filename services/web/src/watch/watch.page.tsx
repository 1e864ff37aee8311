import { useEffect, useMemo, useState } from 'preact/hooks';
import { clearPageMarks, markPage } from '../app/page-marks';
import { getBroadcast, replayPath, type Broadcast } from '../broadcasts/broadcasts.api';
import { FloatingHearts } from '../chat/floating-hearts';
import { useReplayReady } from './replay-ready';
import { ChatPanel } from '../chat/chat-panel';
import { ChatRoom } from '../chat/chat-room';
import type { PageProps } from '../router/routes';
import { session } from '../session/session';
import { SignInForm } from '../session/sign-in-form';
import { TAKEN_DOWN_WORDS } from '../broadcasts/end-reason';
import { ReportButton } from '../reports/report-button';
import { Viewer } from './viewer';

export default function WatchPage({ params }: PageProps) {
  const { broadcastId } = params;
  const [broadcast, setBroadcast] = useState<Broadcast>();
  const signedIn = session.value;
  // The title is a nicety: the video and chat do not wait for it, nor fail without it.
  useEffect(() => {
    if (signedIn) getBroadcast(broadcastId).then(setBroadcast, () => undefined);
  }, [Boolean(signedIn)]);
  // Reporting your own broadcast makes no sense (ops would take it, but the queue is for others' eyes).
  const reportable = Boolean(broadcast && signedIn && broadcast.ownerId !== signedIn.accountId);
  return (
    <section class="live-page">
      <h1>{broadcast?.title || 'Watch'}</h1>
      {signedIn ? <ViewerView key={broadcastId} broadcastId={broadcastId} reportable={reportable} /> : <SignInForm heading="Sign in to watch" />}
    </section>
  );
}

function ViewerView({ broadcastId, reportable }: { broadcastId: string; reportable: boolean }) {
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
  // H sends a heart from anywhere on the page but a text field.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLSelectElement;
      if (!typing && !e.repeat && !e.ctrlKey && !e.metaKey && !e.altKey && e.key.toLowerCase() === 'h') chat.tapHeart();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
  const takenDown = viewer.endReason.value === 'taken_down';
  // A broadcast taken down has no replay: nothing to ask for.
  const replayReady = useReplayReady(broadcastId, state === 'ended' && !takenDown);
  // The picture has no native controls (a tap there is a heart): sound has its own button.
  const [soundOn, setSoundOn] = useState(false);
  return (
    <div class="live-layout">
      <div class="stage">
        {/* A tap on the picture is a heart; the button in the chat and the H key do the same. */}
        <div class="video-frame tappable" onClick={() => chat.tapHeart()}>
          <video id="player" ref={(v) => viewer.attach(v)} autoplay muted={!soundOn} playsInline aria-label="Live video (tap to send a heart)" />
          {state === 'watching' && <span class="live-badge">Live</span>}
          <FloatingHearts room={chat} />
        </div>
        <div class="actions">
          <button id="sound" type="button" aria-pressed={soundOn} onClick={() => setSoundOn(!soundOn)}>
            {soundOn ? 'Mute sound' : 'Turn sound on'}
          </button>
          {reportable && <ReportButton broadcastId={broadcastId} />}
        </div>
        <p id="status" role="status">
          {viewer.status.value}
        </p>
        {state === 'ended' && (
          <p id="broadcast-over" class="stream-over" data-end-reason={viewer.endReason.value}>
            {takenDown ? TAKEN_DOWN_WORDS : 'Broadcast ended.'}{' '}
            {replayReady && (
              <>
                <a id="replay-link" href={replayPath(broadcastId)}>
                  Watch the replay
                </a>
                {' · '}
              </>
            )}
            <a href="/">See who else is live</a>
          </p>
        )}
      </div>
      <ChatPanel room={chat} />
    </div>
  );
}
