// The map's markers as a list: what a screen reader (or anyone who prefers reading) gets of
// the map. A group of broadcasts zooms the map into it, as clicking its circle does.
import type { MapAnswer, MapCluster } from '../discover/discovery.api';
import { singlesOf } from './world-map';

export function InViewList({ answer, onCluster }: { answer?: MapAnswer; onCluster: (c: MapCluster) => void }) {
  if (!answer) return null;
  const groups = answer.clusters.filter((c) => c.count > 1);
  const singles = singlesOf(answer);
  const total = groups.reduce((n, c) => n + c.count, 0) + singles.length;
  return (
    <section class="in-view" aria-labelledby="in-view-heading">
      <h2 id="in-view-heading">On the map now</h2>
      {total === 0 ? (
        <p class="hint">Nobody is live in this part of the world. Zoom out or move the map.</p>
      ) : (
        <ul id="in-view-list">
          {groups.map((c) => (
            <li key={c.key}>
              <button type="button" class="link-button" onClick={() => onCluster(c)}>
                {c.count} broadcasts around “{c.top.title || 'Untitled'}”
              </button>{' '}
              <span class="hint">zooms in</span>
            </li>
          ))}
          {singles.map((b) => (
            <li key={b.id}>
              <a href={`/watch/${b.id}`}>{b.title || 'Untitled broadcast'}</a>
              {b.owner.handle && <span class="hint"> @{b.owner.handle}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
