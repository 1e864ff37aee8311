// Finding broadcasts beside the map: topic chips, words, near me, trending and teleport. Each
// shows its results as a list of links to watch (teleport goes straight to one).
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api/api-client';
import { describeError } from '../api/error-words';
import { nearBroadcasts, searchBroadcasts, teleport, trendingNow, type FoundBroadcast } from '../discover/discovery.api';
import { FoundBroadcasts } from '../discover/found-broadcasts';
import { navigate } from '../router/router';
import { locateMe } from './locate-me';

/** Offered before any result says which topics are live. */
const COMMON_TOPICS = ['music', 'sports', 'travel', 'news', 'gaming'];

interface Results {
  /** What was asked, as the list's heading says it. */
  heading: string;
  items: FoundBroadcast[];
  /** Words for an empty list. */
  none: string;
}

export function BroadcastFinder({ onPlace }: { onPlace?: (lon: number, lat: number) => void }) {
  const [results, setResults] = useState<Results>();
  const [busy, setBusy] = useState<string>();
  const [failure, setFailure] = useState<string>();
  const [topic, setTopic] = useState<string>();
  /** Topics seen in any result so far, offered as chips too. */
  const [seenTopics, setSeenTopics] = useState<string[]>([]);

  const run = async (what: string, ask: () => Promise<Omit<Results, 'items'> & { items: FoundBroadcast[] }>) => {
    setBusy(what);
    setFailure(undefined);
    try {
      const found = await ask();
      setResults(found);
      setSeenTopics((seen) => [...new Set([...seen, ...found.items.flatMap((b) => b.topics)])].slice(0, 20));
    } catch (err) {
      setFailure(describeError(err));
    } finally {
      setBusy(undefined);
    }
  };
  const trending = () => run('trending', async () => ({ heading: 'Trending now', items: await trendingNow(), none: 'Nobody is live right now.' }));
  const byTopic = (t: string) => {
    setTopic(t);
    return run('topic', async () => ({ heading: `Live in #${t}`, items: await searchBroadcasts({ topic: t }), none: `Nobody is live in #${t} right now.` }));
  };
  const byWords = (e: Event) => {
    e.preventDefault();
    const q = String(new FormData(e.currentTarget as HTMLFormElement).get('q') ?? '').trim();
    if (!q) return;
    setTopic(undefined);
    void run('search', async () => ({ heading: `Live for “${q}”`, items: await searchBroadcasts({ q }), none: `Nothing live matches “${q}”.` }));
  };
  const nearMe = () =>
    run('near', async () => {
      const { lat, lon } = await locateMe();
      onPlace?.(lon, lat);
      return { heading: 'Live near you (50 km)', items: await nearBroadcasts(lat, lon, 50), none: 'Nobody is live within 50 km of you.' };
    });
  const jump = async () => {
    setBusy('teleport');
    setFailure(undefined);
    try {
      navigate(`/watch/${(await teleport()).id}`);
    } catch (err) {
      setFailure(err instanceof ApiError && err.status === 404 ? 'Nobody is live in public right now, so there is nowhere to teleport to.' : describeError(err));
      setBusy(undefined);
    }
  };
  useEffect(() => void trending(), []);

  const chips = [...new Set([...COMMON_TOPICS, ...seenTopics])];
  return (
    <section class="finder" aria-labelledby="finder-heading">
      <h2 id="finder-heading">Find a broadcast</h2>
      <form class="finder-search" role="search" onSubmit={byWords}>
        <label for="map-search" class="visually-hidden">
          Search live broadcasts
        </label>
        <input id="map-search" name="q" type="search" maxLength={100} placeholder="Titles, people…" autocomplete="off" />
        <button type="submit" disabled={busy === 'search'}>
          Search
        </button>
      </form>
      <div class="topic-chips" role="group" aria-label="Topics">
        {chips.map((t) => (
          <button key={t} type="button" class="chip" aria-pressed={topic === t} data-topic={t} onClick={() => byTopic(t)}>
            #{t}
          </button>
        ))}
      </div>
      <div class="actions">
        <button id="near-me" type="button" onClick={nearMe} disabled={busy === 'near'}>
          {busy === 'near' ? 'Finding you…' : 'Near me'}
        </button>
        <button id="trending" type="button" onClick={() => (setTopic(undefined), trending())} disabled={busy === 'trending'}>
          Trending
        </button>
        <button id="teleport" type="button" class="primary" onClick={jump} disabled={busy === 'teleport'}>
          {busy === 'teleport' ? 'Teleporting…' : 'Teleport'}
        </button>
      </div>
      <p id="finder-error" class="error" role="alert">
        {failure}
      </p>
      <div aria-live="polite" aria-busy={busy !== undefined}>
        {results && (
          <>
            <h3 id="finder-results-heading">{results.heading}</h3>
            {results.items.length ? <FoundBroadcasts id="finder-results" items={results.items} label={results.heading} /> : <p class="hint">{results.none}</p>}
          </>
        )}
      </div>
    </section>
  );
}
