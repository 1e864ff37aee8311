// The SFU nodes' load as stream-sessions last heard it (nodes report every second; stale: not lately).
import type { SfuNodeLoad } from './ops.api';

export function SfuNodesTable({ nodes }: { nodes: SfuNodeLoad[] }) {
  if (nodes.length === 0) return <p class="card" id="ops-nodes-none">No SFU node has reported.</p>;
  return (
    <div class="table-scroll">
      <table id="ops-nodes" class="ops-table">
        <thead>
          <tr>
            <th scope="col">Node</th>
            <th scope="col">State</th>
            <th scope="col">Consumers (capacity)</th>
            <th scope="col">CPU</th>
            <th scope="col">Broadcasts</th>
            <th scope="col">Viewers</th>
            <th scope="col">Reported</th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((n) => (
            <tr key={n.nodeId} data-node-id={n.nodeId} data-state={n.state}>
              <td>
                <code>{n.nodeId}</code>
              </td>
              <td class={n.state === 'active' ? '' : 'flagged'}>{n.state}</td>
              <td class="number">
                {n.consumers} ({n.consumerCapacity})
              </td>
              <td class="number">{Math.round(n.cpuPercent)} %</td>
              <td class="number">{n.broadcasts}</td>
              <td class="number">{n.viewers}</td>
              <td>{new Date(n.reportedAt).toLocaleTimeString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
