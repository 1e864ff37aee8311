// Follow/Unfollow and Block/Unblock for someone else's profile. Each button shows the state the
// server confirmed (asked again after each action, not assumed): blocking also ends follows
// both ways, so after a block both buttons change.
import { useEffect, useState } from 'preact/hooks';
import { ConfirmButton } from '../app/confirm-button';
import { describeError, errorCode } from '../api/error-words';
import { session } from '../session/session';
import { block, follow, haveBlocked, isFollowing, unblock, unfollow, type Profile } from './profiles.api';

interface Relationship {
  following: boolean;
  blocked: boolean;
}

async function relationshipWith(me: string, them: string): Promise<Relationship> {
  const blocked = await haveBlocked(them);
  // social-graph refuses to say (SOCIAL_GRAPH.BLOCKED) when there is a block either way.
  const following = blocked ? false : await isFollowing(me, them).catch((err: unknown) => (errorCode(err) === 'SOCIAL_GRAPH.BLOCKED' ? false : Promise.reject(err)));
  return { following, blocked };
}

export function RelationshipButtons({ profile, onChanged }: { profile: Profile; onChanged: () => void }) {
  const me = session.value?.accountId ?? '';
  const [state, setState] = useState<Relationship>();
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ words: string; failed?: boolean }>();
  const refresh = () => relationshipWith(me, profile.id).then(setState);
  useEffect(() => {
    refresh().catch((err: unknown) => setStatus({ words: describeError(err), failed: true }));
  }, [me, profile.id]);

  const act = async (action: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setStatus(undefined);
    try {
      await action();
      await refresh();
      setStatus({ words: done });
      onChanged();
    } catch (err) {
      setStatus({ words: describeError(err), failed: true });
    } finally {
      setBusy(false);
    }
  };
  if (!state) return status ? <p class="error" role="alert">{status.words}</p> : <p role="status">Checking whether you follow @{profile.handle}…</p>;
  const who = `@${profile.handle}`;
  return (
    <div class="relationship">
      <p class="actions">
        {state.following ? (
          <button type="button" id="unfollow" disabled={busy} onClick={() => act(() => unfollow(profile.id), `You no longer follow ${who}.`)}>
            Unfollow {who}
          </button>
        ) : (
          <button type="button" id="follow" class="primary" disabled={busy || state.blocked} onClick={() => act(() => follow(profile.id), `You follow ${who}.`)}>
            Follow {who}
          </button>
        )}
        {state.blocked ? (
          <button type="button" id="unblock" disabled={busy} onClick={() => act(() => unblock(profile.id), `You unblocked ${who}.`)}>
            Unblock {who}
          </button>
        ) : (
          <ConfirmButton
            id="block"
            label={`Block ${who}`}
            question={`Block ${who}? You stop following each other, and neither of you can follow the other until you unblock.`}
            confirmLabel="Yes, block"
            disabled={busy}
            onConfirm={() => act(() => block(profile.id), `You blocked ${who}.`)}
          />
        )}
      </p>
      <p id="relationship-status" class={status?.failed ? 'error' : 'hint'} role={status?.failed ? 'alert' : 'status'}>
        {status?.words}
      </p>
    </div>
  );
}
