// The overview's live broadcasts: one row each with its owner, its audience, its open reports
// and the SFU nodes carrying it (the relay tree folds open).
import type { LiveBroadcast } from './ops.api';
import { RelayTree } from './relay-tree';
import { whoIs } from './use-handles';

export function LiveBroadcastsTable({ broadcasts, handles }: { broadcasts: LiveBroadcast[]; handles: Record<string, string> }) {
  if (broadcasts.length === 0) return <p class="card" id="ops-live-none">Nobody is live right now.</p>;
  return (
    <div class="table-scroll">
      <table id="ops-live" class="ops-table">
        <thead>
          <tr>
            <th scope="col">Broadcast</th>
            <th scope="col">Owner</th>
            <th scope="col">Viewers (peak)</th>
            <th scope="col">Reporters</th>
            <th scope="col">Nodes</th>
          </tr>
        </thead>
        <tbody>
          {broadcasts.map((b) => (
            <tr key={b.broadcastId} data-broadcast-id={b.broadcastId} data-viewers={b.viewersNow} data-reporters={b.distinctReporters}>
              <td>
                <a href={`/ops/broadcasts/${b.broadcastId}`}>{b.title || 'Untitled broadcast'}</a>
                <div class="hint">{b.visibility}</div>
              </td>
              <td>{whoIs(handles, b.ownerId)}</td>
              <td class="number">
                {b.viewersNow} ({b.viewersPeak})
              </td>
              <td class={b.distinctReporters > 0 ? 'number flagged' : 'number'}>{b.distinctReporters}</td>
              <td>
                <details>
                  <summary>
                    {b.nodes.length} {b.nodes.length === 1 ? 'node' : 'nodes'}
                  </summary>
                  <RelayTree nodes={b.nodes} originNodeId={b.originNodeId} />
                </details>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
