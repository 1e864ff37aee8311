// A broadcast's SFU nodes as the tree they form: the origin (where the publisher is), and the
// relays each fed by its parent, with the viewers on each.
import type { RelayNode } from './ops.api';

export function RelayTree({ nodes, originNodeId }: { nodes: RelayNode[]; originNodeId: string }) {
  const origin = nodes.find((n) => n.parentNodeId === null) ?? { nodeId: originNodeId, viewers: 0, parentNodeId: null, depth: 0 };
  return (
    <ul class="relay-tree" aria-label="Relay tree">
      <Branch node={origin} nodes={nodes} seen={new Set()} />
    </ul>
  );
}

function Branch({ node, nodes, seen }: { node: RelayNode; nodes: RelayNode[]; seen: Set<string> }) {
  // A node listed under two parents (a move in progress) is drawn once.
  seen.add(node.nodeId);
  const children = nodes.filter((n) => n.parentNodeId === node.nodeId && !seen.has(n.nodeId));
  return (
    <li data-node-id={node.nodeId} data-depth={node.depth}>
      <code>{node.nodeId}</code> {node.parentNodeId === null ? '(origin)' : ''} · {node.viewers} {node.viewers === 1 ? 'viewer' : 'viewers'}
      {children.length > 0 && (
        <ul>
          {children.map((c) => (
            <Branch key={c.nodeId} node={c} nodes={nodes} seen={seen} />
          ))}
        </ul>
      )}
    </li>
  );
}
