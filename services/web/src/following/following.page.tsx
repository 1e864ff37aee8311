// /following: who among the accounts you follow is live now (followers-only and circle
// broadcasts too, when you may watch them), each a link to watch. Refreshes while open.
import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../api/error-words';
import { followingLive, type FoundBroadcast } from '../discover/discovery.api';
import { FoundBroadcasts } from '../discover/found-broadcasts';
import type { PageProps } from '../router/routes';
import { session } from '../session/session';
import { SignInForm } from '../session/sign-in-form';

const REFRESH_MS = 20_000;

export default function FollowingPage(_props: PageProps) {
  return (
    <section>
      <h1>Following</h1>
      {session.value ? <FollowingLive /> : <SignInForm heading="Sign in to see who you follow is live" />}
    </section>
  );
}

function FollowingLive() {
  const [items, setItems] = useState<FoundBroadcast[]>();
  const [more, setMore] = useState<string | null>();
  const [failure, setFailure] = useState<string>();
  const load = () =>
    followingLive().then(
      (page) => (setItems(page.items), setMore(page.nextCursor), setFailure(undefined)),
      (err: unknown) => setFailure(describeError(err)),
    );
  const loadMore = () =>
    more &&
    followingLive(more).then(
      (page) => (setItems((shown) => [...(shown ?? []), ...page.items.filter((b) => !shown?.some((s) => s.id === b.id))]), setMore(page.nextCursor)),
      (err: unknown) => setFailure(describeError(err)),
    );
  useEffect(() => {
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  if (failure && !items) return <p class="error" role="alert">{failure}</p>;
  if (!items) return <p role="status">Looking for who you follow…</p>;
  return (
    <>
      {items.length === 0 ? (
        <p class="card" id="following-none">
          Nobody you follow is live right now. <a href="/map">See who is live around the world</a>.
        </p>
      ) : (
        <FoundBroadcasts id="following-live" items={items} label="Live now, from people you follow" />
      )}
      {more && (
        <p class="actions">
          <button type="button" onClick={loadMore}>
            Show more
          </button>
        </p>
      )}
      {failure && <p class="error" role="alert">{failure}</p>}
    </>
  );
}
