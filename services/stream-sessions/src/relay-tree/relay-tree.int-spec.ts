import { verifyMediaTicket } from '@onair/media-tickets';
import { json, TestContext, waitUntil, type TestUser } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { createRemoteJWKSet } from 'jose';
import type { Client as PgClient } from 'pg';
import { FakeSfu, httpClient, newBroadcast, sfuRelayUrl, sql, startPlatform } from '../stream-sessions.test-app.js';

startTelemetry({ serviceName: 'stream-sessions' });

const ORIGIN = 'tree-origin';

/**
 * A broadcast's relay tree, through the tickets API on real PostgreSQL and Kafka: nodes report
 * their load as SFU nodes do; each test makes the nodes it names the only fresh ones.
 */
describe('placing viewers over a relay tree (fan-out 2, depth 2)', () => {
  const ctx = TestContext.create('ss_relay_tree');
  let call: ReturnType<typeof httpClient>;
  let sfu: FakeSfu;
  let pg: PgClient;
  let keys: ReturnType<typeof createRemoteJWKSet>;
  let ann: TestUser, bob: TestUser;

  beforeAll(async () => {
    const platform = await startPlatform(ctx, { SFU_NODE_STALE_SECONDS: '600', SFU_RELAY_FANOUT: '2', SFU_RELAY_MAX_DEPTH: '2' });
    call = httpClient(platform.sessions.url);
    keys = createRemoteJWKSet(new URL(platform.sessions.jwksUrl));
    sfu = await FakeSfu.connect(ctx);
    pg = await sql(ctx, platform.sessions.schema);
    [ann, bob] = await Promise.all([ctx.newUser(), ctx.newUser()]);
  });
  afterAll(() => ctx.cleanup());
  beforeEach(() => pg.query(`UPDATE sfu_node SET received_at = now() - interval '1 hour'`));

  const report = async (node: string, consumers: number, capacity = 100, relays: Array<{ broadcastId: string; parentNodeId: string }> = []) => {
    await sfu.nodeLoad(node, consumers, capacity, sfuRelayUrl(node), false, relays);
    await waitUntil(
      async () => (await pg.query(`SELECT 1 FROM sfu_node WHERE node_id = $1 AND consumers = $2 AND received_at > now() - interval '1 minute'`, [node, consumers])).rowCount === 1,
      20_000,
      `${node} reported ${consumers}/${capacity}`,
    );
  };
  const goQuiet = (node: string) => pg.query(`UPDATE sfu_node SET received_at = now() - interval '1 hour' WHERE node_id = $1`, [node]);
  const liveOnOrigin = async () => {
    const { id } = await json(await call('POST', '/v1/broadcasts', ann, newBroadcast()));
    await sfu.joined(id, ORIGIN, ann.id);
    await waitUntil(async () => (await json(await call('GET', `/v1/broadcasts/${id}`, ann))).state === 'live', 20_000, 'live');
    return id as string;
  };
  /** A viewer's placement: the node, and the node it relays from (none on the origin). */
  const watch = async (id: string, avoidNodeIds?: string[]) => {
    const res = await call('POST', `/v1/broadcasts/${id}/tickets`, bob, { role: 'consume', ...(avoidNodeIds ? { avoidNodeIds } : {}) });
    expect(res.status).toBe(201);
    const body = await json(res);
    const claims = await verifyMediaTicket(body.ticket, keys, body.nodeId);
    return { node: body.nodeId as string, from: claims.relayFrom?.nodeId };
  };
  const edges = async (id: string) =>
    (await pg.query('SELECT node_id, parent_node_id, depth FROM relay_edge WHERE broadcast_id = $1 ORDER BY node_id', [id])).rows;

  it('fills the origin, then at most 2 nodes under it, then nodes under those (closest to the root first), and no deeper', async () => {
    const nodes = ['tree-b', 'tree-c', 'tree-d', 'tree-e', 'tree-f', 'tree-g', 'tree-h'];
    for (const node of nodes) await report(node, 0);
    await report(ORIGIN, 95);
    const id = await liveOnOrigin();
    // The origin is full: a new node joins under it; while it has room, viewers go there.
    const placed: Array<{ node: string; from?: string }> = [];
    for (let i = 0; i < 6; i++) {
      const next = await watch(id);
      expect(placed.map((p) => p.node)).not.toContain(next.node);
      if (i === 0) expect(await watch(id)).toEqual(next);
      placed.push(next);
      await report(next.node, 95);
    }
    // Two at depth 1 under the origin, four at depth 2, two under each.
    expect(placed.slice(0, 2).map((p) => p.from)).toEqual([ORIGIN, ORIGIN]);
    const levelOne = placed.slice(0, 2).map((p) => p.node);
    for (const p of placed.slice(2)) expect(levelOne).toContain(p.from);
    const tree = await edges(id);
    expect(tree.map((e) => e.depth).sort()).toEqual([1, 1, 2, 2, 2, 2]);
    for (const parent of [ORIGIN, ...levelOne]) expect(tree.filter((e) => e.parent_node_id === parent)).toHaveLength(2);
    // Every node of the tree full and no room for a 7th: the origin answers SFU.ROOM_FULL itself.
    expect(await watch(id)).toEqual({ node: ORIGIN, from: undefined });
  });

  it('re-attaches a node cut off from the origin (its parent avoided, then quiet), higher up; avoids the nodes a viewer names', async () => {
    for (const node of ['tree-b', 'tree-c', 'tree-d']) await report(node, 0);
    await report(ORIGIN, 95);
    const id = await liveOnOrigin();
    const b = await watch(id);
    await report(b.node, 95);
    const c = await watch(id);
    await report(c.node, 95);
    const d = await watch(id);
    const parent = d.from!;
    const sibling = parent === b.node ? c.node : b.node;
    expect([b.node, c.node]).toContain(parent);
    // A viewer that could not get the broadcast through d's parent: d hangs under the other one.
    const moved = await watch(id, [parent]);
    expect(moved).toEqual({ node: d.node, from: sibling });
    expect((await edges(id)).find((e) => e.node_id === d.node)).toMatchObject({ parent_node_id: sibling, depth: 2 });
    // That one stops reporting: the origin relays to one fresh node now, so d re-attaches under it.
    await goQuiet(sibling);
    expect(await watch(id)).toEqual({ node: d.node, from: ORIGIN });
    expect((await edges(id)).find((e) => e.node_id === d.node)).toMatchObject({ parent_node_id: ORIGIN, depth: 1 });
    // A viewer that could not reach d itself is placed elsewhere.
    expect((await watch(id, [d.node])).node).not.toBe(d.node);
  });

  it('adds one node for a burst of viewers arriving at once at a full origin, not one each', async () => {
    for (const node of ['tree-b', 'tree-c', 'tree-d']) await report(node, 0);
    await report(ORIGIN, 95);
    const id = await liveOnOrigin();
    const burst = await Promise.all(Array.from({ length: 20 }, () => watch(id)));
    expect(new Set(burst.map((p) => p.node)).size).toBe(1);
    expect(burst[0].from).toBe(ORIGIN);
    expect(await edges(id)).toHaveLength(1);
  });

  it('lets a publisher avoid its lost node, and starts the tree over when the publisher moves', async () => {
    await report(ORIGIN, 95);
    await report('tree-b', 0);
    const id = await liveOnOrigin();
    expect((await watch(id)).from).toBe(ORIGIN);
    expect(await edges(id)).toHaveLength(1);
    const publish = await json(await call('POST', `/v1/broadcasts/${id}/tickets`, ann, { role: 'publish', avoidNodeIds: [ORIGIN] }));
    expect(publish.nodeId).toBe('tree-b');
    await sfu.joined(id, 'tree-b', ann.id);
    await waitUntil(async () => (await edges(id)).length === 0, 20_000, 'the tree to be cleared');
    expect(await watch(id)).toEqual({ node: 'tree-b', from: undefined });
  });

  it('refuses avoid lists that are not node ids, or too long', async () => {
    const id = await liveOnOrigin();
    for (const avoidNodeIds of ['tree-b', [''], ['a b'], Array.from({ length: 9 }, (_, i) => `n${i}`)]) {
      const res = await call('POST', `/v1/broadcasts/${id}/tickets`, bob, { role: 'consume', avoidNodeIds });
      expect(res.status).toBe(400);
      expect((await json(res)).error.code).toBe('REQUEST.VALIDATION_FAILED');
    }
  });
});
