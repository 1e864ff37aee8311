// The choices placement makes on one broadcast's relay tree, as pure functions of the tree's
// nodes (with their last load reports), what the viewer avoids, and the limits.
import type { NodeId } from '../broadcasts/broadcast-record.js';

export interface TreeNode {
  nodeId: NodeId;
  /** The node this one pulls the broadcast from; undefined for the origin. */
  parentId?: string;
  /** 0 for the origin, its relays 1, theirs 2… */
  depth: number;
  signallingUrl: string;
  relayUrl: string;
  consumers: number;
  capacity: number;
  draining: boolean;
  /** Reported within SFU_NODE_STALE_SECONDS. */
  fresh: boolean;
}

export interface TreeLimits {
  fanout: number;
  maxDepth: number;
  /** A node takes viewers below this share of its consumer capacity. */
  fillLimit: number;
}

const hasRoom = (n: TreeNode, limits: TreeLimits) => n.consumers < n.capacity * limits.fillLimit;
const load = (n: TreeNode) => n.consumers / Math.max(n.capacity, 1);
const byDepthThenLoad = (a: TreeNode, b: TreeNode) => a.depth - b.depth || load(a) - load(b) || a.nodeId.localeCompare(b.nodeId);

/**
 * Whether the broadcast reaches `n` from the origin: every node on the way reported lately, and
 * none below the origin is draining (its rooms close soon) or avoided (a viewer could not reach
 * it, or it could not relay). A draining origin still relays what it hosts.
 */
export function fed(tree: ReadonlyMap<string, TreeNode>, n: TreeNode, avoid: ReadonlySet<string>): boolean {
  if (!n.fresh) return false;
  if (n.depth === 0) return true;
  if (n.draining || avoid.has(n.nodeId)) return false;
  const parent = n.parentId === undefined ? undefined : tree.get(n.parentId);
  // Depth falls towards the root: a parent that is not above would be a loop.
  return parent !== undefined && parent.depth < n.depth && fed(tree, parent, avoid);
}

/** The nodes `n` relays the broadcast to that still report. */
const childrenOf = (tree: ReadonlyMap<string, TreeNode>, n: TreeNode) => [...tree.values()].filter((c) => c.parentId === n.nodeId && c.fresh).length;

/** A node carrying the broadcast that can take the viewer: the closest to the root, then the least loaded. */
export function chooseCarrier(tree: ReadonlyMap<string, TreeNode>, avoid: ReadonlySet<string>, limits: TreeLimits): TreeNode | undefined {
  return [...tree.values()]
    .filter((n) => fed(tree, n, avoid) && !n.draining && !avoid.has(n.nodeId) && n.signallingUrl !== '' && hasRoom(n, limits))
    .sort(byDepthThenLoad)[0];
}

/**
 * The parent for a node joining the tree: a node the broadcast reaches, that relays (has a relay
 * URL), relays to fewer than `fanout` nodes and is above the deepest level; the closest to the
 * root, then the one relaying to the fewest, then the least loaded. `above`: only parents at a
 * lower depth than that (a node re-attaching never hangs below its own subtree).
 */
export function chooseParent(tree: ReadonlyMap<string, TreeNode>, avoid: ReadonlySet<string>, limits: TreeLimits, above = Infinity): TreeNode | undefined {
  const candidates = [...tree.values()].filter(
    (p) => fed(tree, p, avoid) && p.relayUrl !== '' && p.depth < above && p.depth + 1 <= limits.maxDepth && childrenOf(tree, p) < limits.fanout,
  );
  return candidates.sort((a, b) => a.depth - b.depth || childrenOf(tree, a) - childrenOf(tree, b) || byDepthThenLoad(a, b))[0];
}

/**
 * A node that carries the broadcast and could take the viewer but is cut off (its parent stopped
 * reporting, drains, or a viewer could not get the broadcast through it), with the parent it
 * re-attaches to.
 */
export function chooseReattachment(
  tree: ReadonlyMap<string, TreeNode>,
  avoid: ReadonlySet<string>,
  limits: TreeLimits,
): { node: TreeNode; parent: TreeNode } | undefined {
  const orphans = [...tree.values()]
    .filter((n) => n.depth > 0 && n.fresh && !n.draining && !avoid.has(n.nodeId) && n.signallingUrl !== '' && hasRoom(n, limits) && !fed(tree, n, avoid))
    .sort(byDepthThenLoad);
  for (const node of orphans) {
    const parent = chooseParent(tree, avoid, limits, node.depth);
    if (parent) return { node, parent };
  }
  return undefined;
}
