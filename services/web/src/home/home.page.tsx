import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../api/error-words';
import { session } from '../session/session';
import { trendingBroadcasts, type LiveBroadcast } from './live-broadcasts';

/** How often the list refreshes itself while the page is open. */
const REFRESH_MS = 15_000;

export function HomePage() {
  const signedIn = session.value;
  return (
    <section>
      <h1>Live now</h1>
      {signedIn ? (
        <LiveList />
      ) : (
        <div class="card intro">
          <p>Go live from your browser, or watch people broadcasting right now, with the chat beside the video.</p>
          <p class="actions">
            <a class="button primary" href="/signup">
              Sign up
            </a>
            <a class="button" href="/signin">
              Sign in
            </a>
          </p>
        </div>
      )}
    </section>
  );
}

function LiveList() {
  const [items, setItems] = useState<LiveBroadcast[]>();
  const [failure, setFailure] = useState<string>();
  const load = () =>
    trendingBroadcasts().then(
      (found) => (setItems(found), setFailure(undefined)),
      (err: unknown) => setFailure(describeError(err)),
    );
  useEffect(() => {
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  if (failure) return <p class="error" role="alert">{failure}</p>;
  if (!items) return <p role="status">Looking for live broadcasts…</p>;
  if (items.length === 0) {
    return (
      <p class="card">
        Nobody is live right now. <a href="/broadcast">Go live</a> and be the first.
      </p>
    );
  }
  return (
    <ul class="broadcast-grid" aria-label="Live broadcasts">
      {items.map((b) => (
        <li key={b.id} class="card broadcast-card">
          <a href={`/watch/${b.id}`}>
            <span class="live-badge">Live</span>
            <strong class="title">{b.title || 'Untitled broadcast'}</strong>
          </a>
          <span class="owner">{b.owner.displayName || (b.owner.handle ? `@${b.owner.handle}` : 'someone')}</span>
          <span class="stats">
            {b.viewersNow} watching · {b.heartsTotal} hearts
          </span>
          {b.topics.length > 0 && <span class="topics">{b.topics.map((t) => `#${t}`).join(' ')}</span>}
        </li>
      ))}
    </ul>
  );
}
