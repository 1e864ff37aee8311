import type { FoundBroadcast } from './discovery.api';

/** Who is broadcasting, in words: their name, else their handle. */
export const ownerName = (owner: { handle: string | null; displayName?: string | null }) =>
  owner.displayName || (owner.handle ? `@${owner.handle}` : 'someone');

/** Broadcasts as cards linking to their watch page (the map's results, following). */
export function FoundBroadcasts({ items, label, id }: { items: FoundBroadcast[]; label: string; id?: string }) {
  return (
    <ul class="broadcast-grid" aria-label={label} id={id}>
      {items.map((b) => (
        <li key={b.id} class="card broadcast-card">
          <a href={`/watch/${b.id}`} data-broadcast-id={b.id}>
            {b.state === 'live' && <span class="live-badge">Live</span>}
            <strong class="title">{b.title || 'Untitled broadcast'}</strong>
          </a>
          <span class="owner">{ownerName(b.owner)}</span>
          <span class="stats">
            {b.viewersNow} watching · {b.heartsTotal} hearts
            {b.distanceKm !== undefined && ` · ${b.distanceKm.toFixed(1)} km away`}
          </span>
          {b.topics.length > 0 && <span class="topics">{b.topics.map((t) => `#${t}`).join(' ')}</span>}
        </li>
      ))}
    </ul>
  );
}
