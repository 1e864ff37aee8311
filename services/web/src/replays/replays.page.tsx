// /replays: the signed-in person's own replays still watchable (stream-sessions lists one's
// broadcasts; the replay_ready ones have a recording), with the time each has left.
import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../api/error-words';
import { replayPath } from '../broadcasts/broadcasts.api';
import type { PageProps } from '../router/routes';
import { session } from '../session/session';
import { SignInForm } from '../session/sign-in-form';
import { myReplays, type ReplayBroadcast } from './replays.api';
import { timeLeftWords, useMinuteClock } from './time-left';
import './replays.css';

export default function ReplaysPage(_props: PageProps) {
  return (
    <section class="replays-page">
      <h1>Your replays</h1>
      <p class="hint">Each broadcast can be watched again for 24 hours after it ends.</p>
      {session.value ? <ReplayList /> : <SignInForm heading="Sign in to see your replays" />}
    </section>
  );
}

function ReplayList() {
  const [replays, setReplays] = useState<ReplayBroadcast[]>();
  const [failure, setFailure] = useState<string>();
  const now = useMinuteClock();
  useEffect(() => void myReplays().then(setReplays, (err: unknown) => setFailure(describeError(err))), []);
  if (failure)
    return (
      <p class="error" role="alert">
        {failure}
      </p>
    );
  if (!replays) return <p role="status">Loading your replays…</p>;
  // The list is not refetched each minute: one whose time is up drops out of it.
  const left = replays.filter((r) => !r.replayExpiresAt || new Date(r.replayExpiresAt).getTime() > now);
  if (left.length === 0) return <p id="no-replays">You have no replays right now. Go live, and your broadcast will be here for 24 hours after it ends.</p>;
  return (
    <ul id="replay-list" class="replay-list">
      {left.map((r) => (
        <li key={r.id} class="card">
          <a href={replayPath(r.id)} data-broadcast-id={r.id}>
            {r.title}
          </a>
          {r.replayExpiresAt && <span class="replay-expires">Expires in {timeLeftWords(r.replayExpiresAt, now)}</span>}
        </li>
      ))}
    </ul>
  );
}
