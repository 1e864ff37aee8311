import type { NodeId } from '../broadcasts/broadcast-record.js';
import { chooseCarrier, chooseParent, chooseReattachment, fed, type TreeNode } from './tree-choice.js';

const LIMITS = { fanout: 2, maxDepth: 2, fillLimit: 0.9 };

/** A node of 10 consumer slots, fresh, not draining; `consumers` of them taken. */
const node = (id: string, parentId: string | undefined, depth: number, consumers = 0, extra: Partial<TreeNode> = {}): TreeNode => ({
  nodeId: id as NodeId,
  parentId,
  depth,
  signallingUrl: `ws://${id}/signal`,
  relayUrl: `ws://${id}/relay`,
  consumers,
  capacity: 10,
  draining: false,
  fresh: true,
  ...extra,
});
const treeOf = (...nodes: TreeNode[]) => new Map(nodes.map((n) => [n.nodeId as string, n]));
const none = new Set<string>();

describe('relay tree choices', () => {
  it('places a viewer on the origin while it has room, then on the closest, least loaded carrier', () => {
    const tree = treeOf(node('o', undefined, 0, 5), node('b', 'o', 1, 8), node('c', 'o', 1, 3), node('d', 'b', 2, 0));
    expect(chooseCarrier(tree, none, LIMITS)?.nodeId).toBe('o');
    tree.set('o', node('o', undefined, 0, 9));
    expect(chooseCarrier(tree, none, LIMITS)?.nodeId).toBe('c');
    // Full at 9 of 10 (the fill limit): d, one level down.
    tree.set('c', node('c', 'o', 1, 9));
    tree.set('b', node('b', 'o', 1, 9));
    expect(chooseCarrier(tree, none, LIMITS)?.nodeId).toBe('d');
    // A viewer that could not reach d, or d's parent, is not sent there.
    expect(chooseCarrier(tree, new Set(['d']), LIMITS)).toBeUndefined();
    expect(chooseCarrier(tree, new Set(['b']), LIMITS)).toBeUndefined();
  });

  it('feeds a node only through fresh, admitting parents; a draining or avoided origin still relays', () => {
    const tree = treeOf(node('o', undefined, 0, 0, { draining: true }), node('b', 'o', 1), node('d', 'b', 2));
    expect(fed(tree, tree.get('d')!, none)).toBe(true);
    expect(fed(tree, tree.get('d')!, new Set(['o']))).toBe(true);
    expect(fed(tree, tree.get('d')!, new Set(['b']))).toBe(false);
    tree.set('b', node('b', 'o', 1, 0, { draining: true }));
    expect(fed(tree, tree.get('d')!, none)).toBe(false);
    tree.set('b', node('b', 'o', 1, 0, { fresh: false }));
    expect(fed(tree, tree.get('d')!, none)).toBe(false);
    // A parent that is not above is a loop, not a feed.
    expect(fed(treeOf(node('o', undefined, 0), node('x', 'y', 1), node('y', 'x', 1)), node('x', 'y', 1), none)).toBe(false);
  });

  it('picks the parent with fan-out left closest to the root, then the one relaying to fewest, and none past the depth limit', () => {
    const tree = treeOf(node('o', undefined, 0, 9), node('b', 'o', 1, 9), node('c', 'o', 1, 9), node('d', 'b', 2, 9));
    // o relays to 2 (the fan-out): c relays to none, b to one.
    expect(chooseParent(tree, none, LIMITS)?.nodeId).toBe('c');
    tree.set('e', node('e', 'c', 2, 9));
    expect(chooseParent(tree, none, LIMITS)?.nodeId).toBe('b');
    tree.set('f', node('f', 'b', 2, 9));
    tree.set('g', node('g', 'c', 2, 9));
    // Every level-1 node relays to 2, and level 2 may not relay (depth 3 > 2).
    expect(chooseParent(tree, none, LIMITS)).toBeUndefined();
    // A child that stopped reporting frees its parent's slot.
    tree.set('g', node('g', 'c', 2, 9, { fresh: false }));
    expect(chooseParent(tree, none, LIMITS)?.nodeId).toBe('c');
    // A node without a relay URL relays to nobody.
    expect(chooseParent(treeOf(node('o', undefined, 0, 9, { relayUrl: '' })), none, LIMITS)).toBeUndefined();
  });

  it('re-attaches a cut-off node with room above itself, never under its own subtree', () => {
    const tree = treeOf(node('o', undefined, 0, 9), node('b', 'o', 1, 9, { fresh: false }), node('c', 'o', 1, 9), node('d', 'b', 2, 1), node('e', 'd', 3, 1));
    const moved = chooseReattachment(tree, none, { ...LIMITS, maxDepth: 3 });
    // o relays to c only now (b is silent): d goes straight under o.
    expect([moved?.node.nodeId, moved?.parent.nodeId]).toEqual(['d', 'o']);
    // o relays to 2 again and c to 2: under x, the one level-1 node with fan-out left.
    tree.set('x', node('x', 'o', 1, 9));
    tree.set('c1', node('c1', 'c', 2, 9));
    tree.set('c2', node('c2', 'c', 2, 9));
    expect(chooseReattachment(tree, none, { ...LIMITS, maxDepth: 3 })?.parent.nodeId).toBe('x');
    // x full too: nothing above d has fan-out left, and d never hangs below its own child e;
    // e, cut off with d, re-attaches under a level-2 node instead.
    tree.set('x1', node('x1', 'x', 2, 9));
    tree.set('x2', node('x2', 'x', 2, 9));
    const next = chooseReattachment(tree, none, { ...LIMITS, maxDepth: 3 });
    expect(next?.node.nodeId).toBe('e');
    expect(['c1', 'c2', 'x1', 'x2']).toContain(next?.parent.nodeId);
  });
});
