// /replays/:id: a broadcast's recording (24 h after its end) with its chat beside it, in step
// with the playhead: a message shows once the video passes the moment it was sent, and seeking
// back or forth takes the list with it.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/api-client';
import { describeError } from '../api/error-words';
import type { PageProps } from '../router/routes';
import { session } from '../session/session';
import { SignInForm } from '../session/sign-in-form';
import { chatSpanMs, itemsUpTo } from './replay-chat';
import { playReplay } from './replay-player';
import { getReplayBroadcast, replayChat, type ReplayBroadcast, type ReplayChatItem } from './replays.api';
import { timeLeftWords, useMinuteClock } from './time-left';
import './replays.css';

const EXPIRED = 'STREAM_SESSIONS.REPLAY_EXPIRED';

export default function ReplayPage({ params }: PageProps) {
  return (
    <section class="replay-page">
      {session.value ? <Replay key={params.broadcastId} broadcastId={params.broadcastId} /> : <SignInForm heading="Sign in to watch this replay" />}
    </section>
  );
}

function Replay({ broadcastId }: { broadcastId: string }) {
  const [broadcast, setBroadcast] = useState<ReplayBroadcast>();
  const [failure, setFailure] = useState<unknown>();
  const now = useMinuteClock();
  useEffect(() => {
    getReplayBroadcast(broadcastId).then((b) => {
      // Expired by the clock or by the sweeper: the same words as the API's REPLAY_EXPIRED.
      const gone = b.state === 'expired' || (b.replayExpiresAt !== null && new Date(b.replayExpiresAt).getTime() <= Date.now());
      if (gone) setFailure(new ApiError(410, EXPIRED, 'this replay has expired'));
      else if (b.state !== 'replay_ready') setFailure(new ApiError(409, 'STREAM_SESSIONS.REPLAY_NOT_READY', `the broadcast is ${b.state}`));
      setBroadcast(b);
    }, setFailure);
  }, []);
  const expiresAt = broadcast?.replayExpiresAt;
  const expiredNow = expiresAt !== null && expiresAt !== undefined && new Date(expiresAt).getTime() <= now;
  const problem = failure ?? (expiredNow ? new ApiError(410, EXPIRED, 'this replay has expired') : undefined);
  if (problem) {
    return (
      <>
        <h1>{broadcast?.title ?? 'Replay'}</h1>
        <p id="replay-problem" class="error" role="alert">
          {describeError(problem)}
        </p>
        <p>
          <a href="/replays">Your replays</a>
        </p>
      </>
    );
  }
  if (!broadcast) return <p role="status">Loading the replay…</p>;
  return (
    <>
      <h1 id="replay-title">{broadcast.title}</h1>
      {expiresAt && (
        <p id="replay-expires" class="replay-expires">
          Expires in {timeLeftWords(expiresAt, now)}
        </p>
      )}
      <ReplayStage broadcast={broadcast} onFailure={setFailure} />
    </>
  );
}

function ReplayStage({ broadcast, onFailure }: { broadcast: ReplayBroadcast; onFailure: (err: unknown) => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [playheadMs, setPlayheadMs] = useState(0);
  useEffect(() => (video.current ? playReplay(video.current, broadcast.id, onFailure) : undefined), []);
  // timeupdate comes about 4 times a second while playing, and once after every seek.
  const follow = () => setPlayheadMs(Math.floor((video.current?.currentTime ?? 0) * 1000));
  return (
    <div class="live-layout replay-layout">
      <div class="stage">
        <video id="replay-player" ref={video} controls muted autoplay playsInline aria-label={`Replay of ${broadcast.title}`} onTimeUpdate={follow} onSeeked={follow} />
      </div>
      <ReplayChat broadcast={broadcast} playheadMs={playheadMs} />
    </div>
  );
}

function ReplayChat({ broadcast, playheadMs }: { broadcast: ReplayBroadcast; playheadMs: number }) {
  const [items, setItems] = useState<ReplayChatItem[]>();
  const [failure, setFailure] = useState<string>();
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    replayChat(broadcast.id, chatSpanMs(broadcast.startedAt, broadcast.endedAt)).then(setItems, (err: unknown) => setFailure(describeError(err)));
  }, []);
  const shown = items ? itemsUpTo(items, playheadMs) : [];
  // The newest line in view, as in the live chat.
  useEffect(() => {
    if (list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [shown.length]);
  return (
    <section id="chat" class="chat card" aria-labelledby="replay-chat-heading">
      <h2 id="replay-chat-heading">Chat replay</h2>
      {failure && (
        <p class="error" role="alert">
          {failure}
        </p>
      )}
      {!items && !failure && <p role="status">Loading the chat…</p>}
      {items && items.length === 0 && <p class="hint">Nobody wrote during this broadcast.</p>}
      <div role="log" aria-label="Chat messages at this point of the replay">
        <ol id="messages" ref={list}>
          {shown.map((item) => (
            <li key={item.id} class="message-line" data-offset-ms={item.offsetMs}>
              {item.kind === 'message' ? (
                <>
                  <b>{item.handle ?? 'someone'}</b> <span class="line-text">{item.text}</span>
                </>
              ) : (
                <span class="replay-hearts">
                  {item.taps} {item.taps === 1 ? 'heart' : 'hearts'}
                </span>
              )}
            </li>
          ))}
        </ol>
      </div>
    </section>
  );
}
