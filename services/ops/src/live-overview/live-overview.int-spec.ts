import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  AudienceReportedEvent,
  AudienceReportedSchema,
  NodeLoadReportedEvent,
  NodeLoadReportedSchema,
  PublisherJoinedEvent,
  PublisherJoinedSchema,
  WorkerLoadSchema,
} from '@onair/contracts';
import { json, TestContext, waitUntil, type RunningService, type TestUser } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { startOpsPlatform, type OpsPlatform } from '../ops.test-app.js';

const sfu = { source: 'sfu-worker' };
const relayUrl = (node: string) => `ws://${node}.sfu.internal.test:7104/v1/sfu/relay`;

/**
 * The live overview through ops' HTTP API, over the real stream-sessions (gRPC, mutual TLS):
 * broadcasts made live, watched and relayed as the SFU's events and the tickets API make them.
 */
describe('operators’ live overview (ops → stream-sessions over gRPC)', () => {
  const ctx = TestContext.create('ops_live');
  let p: OpsPlatform;
  let sessions: RunningService;
  let owner: TestUser, plain: TestUser;
  const ids: Record<'followersRelayed' | 'mostWatched' | 'reportedTwice' | 'reportedOnce' | 'ended', string> = {} as never;

  const nodeLoad = (nodeId: string, consumers: number, consumerCapacity: number, draining = false, relays: Array<{ broadcastId: string; parentNodeId: string }> = []) =>
    p.publish(
      NodeLoadReportedEvent,
      create(NodeLoadReportedSchema, {
        nodeId,
        signallingUrl: `ws://${nodeId}.sfu.test/ws`,
        relayUrl: relayUrl(nodeId),
        workers: [create(WorkerLoadSchema, { pid: 1, routers: 1, consumers, cpuPercent: 12.5, bitrateBps: 0n })],
        consumerCapacity,
        draining,
        relays,
        at: timestampFromDate(new Date()),
      }),
      sfu,
    );
  const audience = (broadcastId: string, nodeId: string, viewers: number) =>
    p.publish(AudienceReportedEvent, create(AudienceReportedSchema, { broadcastId, nodeId, viewers, at: timestampFromDate(new Date()) }), sfu);
  const ss = (method: string, path: string, user: TestUser, body?: unknown) =>
    fetch(`${sessions.url}${path}`, { method, headers: { ...user.authHeader, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });

  /** A broadcast of `owner`, live on node-a (the publisher's node). */
  async function goLive(overrides: Record<string, unknown> = {}): Promise<string> {
    const res = await ss('POST', '/v1/broadcasts', owner, { title: 'On the harbour', topics: ['travel'], language: 'en', visibility: 'public', ...overrides });
    expect(res.status).toBe(201);
    const { id } = await json(res);
    await p.publish(PublisherJoinedEvent, create(PublisherJoinedSchema, { broadcastId: id, nodeId: 'node-a', publisherId: owner.id, at: timestampFromDate(new Date()) }), sfu);
    await waitUntil(async () => (await json(await ss('GET', `/v1/broadcasts/${id}`, owner))).state === 'live', 30_000, `${id} live`);
    return id;
  }
  const report = (user: TestUser, broadcastId: string) => p.answer('POST', '/v1/reports', user, { targetType: 'broadcast', targetId: broadcastId, reason: 'violence' });
  const live = async (query = '') => (await p.answer('GET', `/v1/ops/live${query}`, p.operator)).body.broadcasts.map((b: { broadcastId: string }) => b.broadcastId);

  beforeAll(async () => {
    // Nodes stay fresh for two minutes (a test makes one stale itself) and audience reports for
    // ten: the numbers hold still however slow the machine is.
    p = await startOpsPlatform(ctx, {}, { streamSessions: { SFU_NODE_STALE_SECONDS: '120', AUDIENCE_STALE_SECONDS: '600', SWEEP_INTERVAL_MS: '500' } });
    sessions = p.streamSessions!;
    [owner, plain] = await Promise.all([ctx.newUser(), ctx.newUser()]);
    const [r1, r2] = await Promise.all([ctx.newUser(), ctx.newUser()]);

    // node-a is full (10 of 10): a new viewer goes to node-b, relaying from node-a.
    await nodeLoad('node-a', 10, 10);
    await nodeLoad('node-b', 0, 1000);
    await nodeLoad('node-d', 0, 1000, true);
    await waitUntil(async () => (await p.answer('GET', '/v1/ops/sfu-nodes', p.operator)).body?.nodes?.length === 3, 30_000, 'three nodes');

    ids.followersRelayed = await goLive({ visibility: 'followers', title: 'Followers only' });
    ids.mostWatched = await goLive({ location: { latitude: 38.72231, longitude: -9.13934, precision: 'city' } });
    ids.reportedTwice = await goLive();
    ids.reportedOnce = await goLive();
    ids.ended = await goLive();
    expect((await ss('POST', `/v1/broadcasts/${ids.ended}/end`, owner)).status).toBe(200);

    // The operator's watch preview of a followers-only broadcast (they follow nobody): placed on node-b.
    const ticket = await ss('POST', `/v1/broadcasts/${ids.followersRelayed}/tickets`, p.operator, { role: 'consume' });
    expect(ticket.status).toBe(201);
    expect(await json(ticket)).toMatchObject({ role: 'consume', nodeId: 'node-b' });
    await nodeLoad('node-b', 3, 1000, false, [{ broadcastId: ids.followersRelayed, parentNodeId: 'node-a' }]);
    // node-c reports once; it is made stale below.
    await nodeLoad('node-c', 0, 500);

    await audience(ids.followersRelayed, 'node-a', 10);
    await audience(ids.followersRelayed, 'node-b', 3);
    await audience(ids.mostWatched, 'node-a', 20);
    await audience(ids.reportedTwice, 'node-a', 5);
    await audience(ids.reportedOnce, 'node-a', 1);
    for (const [user, id] of [[r1, ids.reportedTwice], [r2, ids.reportedTwice], [r1, ids.reportedOnce], [r2, ids.ended]] as const) {
      expect((await report(user, id)).status).toBe(201);
    }
    const viewers = async () => (await p.answer('GET', '/v1/ops/live', p.operator)).body?.broadcasts?.map((b: { viewersNow: number }) => b.viewersNow).join();
    await waitUntil(async () => (await viewers()) === '20,13,5,1', 30_000, 'every audience report');
    await waitUntil(async () => (await p.answer('GET', '/v1/ops/sfu-nodes', p.operator)).body?.nodes?.length === 4, 30_000, 'node-c');
  });
  afterAll(() => ctx.cleanup());

  it('lists live broadcasts by viewers, each with its owner, numbers, reports and relay tree', async () => {
    const { status, body } = await p.answer('GET', '/v1/ops/live', p.operator);
    expect(status).toBe(200);
    expect(body.broadcasts.map((b: { broadcastId: string }) => b.broadcastId)).toEqual([ids.mostWatched, ids.followersRelayed, ids.reportedTwice, ids.reportedOnce]);
    const [mostWatched, relayed] = body.broadcasts;
    expect(relayed).toEqual({
      broadcastId: ids.followersRelayed,
      ownerId: owner.id,
      title: 'Followers only',
      topics: ['travel'],
      language: 'en',
      visibility: 'followers',
      location: null,
      startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      viewersNow: 13,
      viewersPeak: 13,
      heartsTotal: 0,
      openReports: 0,
      distinctReporters: 0,
      originNodeId: 'node-a',
      nodes: [
        { nodeId: 'node-a', viewers: 10, parentNodeId: null, depth: 0 },
        { nodeId: 'node-b', viewers: 3, parentNodeId: 'node-a', depth: 1 },
      ],
    });
    expect(mostWatched).toMatchObject({ visibility: 'public', location: { latitude: 38.7, longitude: -9.1 }, viewersNow: 20, nodes: [{ nodeId: 'node-a', viewers: 20, parentNodeId: null, depth: 0 }] });
    expect(await live('?sort=viewers&limit=2')).toEqual([ids.mostWatched, ids.followersRelayed]);
  });

  it('sorts by reports: reported live broadcasts first by distinct reporters, then the rest by viewers', async () => {
    const { body } = await p.answer('GET', '/v1/ops/live?sort=reports', p.operator);
    expect(body.broadcasts.map((b: { broadcastId: string; openReports: number; distinctReporters: number }) => [b.broadcastId, b.openReports, b.distinctReporters])).toEqual([
      [ids.reportedTwice, 2, 2],
      [ids.reportedOnce, 1, 1],
      [ids.mostWatched, 0, 0],
      [ids.followersRelayed, 0, 0],
    ]);
    expect(await live('?sort=reports&limit=3')).toEqual([ids.reportedTwice, ids.reportedOnce, ids.mostWatched]);
    expect(await live('?sort=reports&limit=1')).toEqual([ids.reportedTwice]);
  });

  it('shows one broadcast in any state, with its state and end reason, or 404', async () => {
    const relayed = await p.answer('GET', `/v1/ops/live/${ids.followersRelayed.toUpperCase()}`, p.operator);
    expect(relayed.status).toBe(200);
    expect(relayed.body).toMatchObject({ broadcastId: ids.followersRelayed, state: 'live', endReason: null, viewersNow: 13, originNodeId: 'node-a' });
    expect(relayed.body.nodes).toHaveLength(2);
    const ended = await p.answer('GET', `/v1/ops/live/${ids.ended}`, p.operator);
    expect(ended.body).toMatchObject({ state: 'ended', endReason: 'owner', viewersNow: 0, openReports: 1, distinctReporters: 1, originNodeId: null, nodes: [] });
    expect(await p.answer('GET', `/v1/ops/live/${randomUUID()}`, p.operator)).toMatchObject({ status: 404, code: 'OPS.BROADCAST_NOT_FOUND' });
    expect(await p.answer('GET', '/v1/ops/live/not-a-uuid', p.operator)).toMatchObject({ status: 400, code: 'REQUEST.VALIDATION_FAILED' });
  });

  it("shows each SFU node's load and what it carries: active, draining, stale", async () => {
    // node-c's silence without waiting two minutes for it: its last report arrived five minutes ago.
    const pg = new Client({ connectionString: ctx.infra.pgUrl });
    await pg.connect();
    try {
      await pg.query(`UPDATE "${ctx.schema('stream_sessions')}".sfu_node SET received_at = now() - interval '5 minutes' WHERE node_id = 'node-c'`);
    } finally {
      await pg.end();
    }
    const { status, body } = await p.answer('GET', '/v1/ops/sfu-nodes', p.operator);
    expect(status).toBe(200);
    const at = expect.stringMatching(/^\d{4}-\d\d-\d\dT/);
    expect(body.nodes).toEqual([
      { nodeId: 'node-a', state: 'active', consumers: 10, consumerCapacity: 10, cpuPercent: 12.5, reportedAt: at, broadcasts: 4, viewers: 36 },
      { nodeId: 'node-b', state: 'active', consumers: 3, consumerCapacity: 1000, cpuPercent: 12.5, reportedAt: at, broadcasts: 1, viewers: 3 },
      { nodeId: 'node-c', state: 'stale', consumers: 0, consumerCapacity: 500, cpuPercent: 12.5, reportedAt: at, broadcasts: 0, viewers: 0 },
      { nodeId: 'node-d', state: 'draining', consumers: 0, consumerCapacity: 1000, cpuPercent: 12.5, reportedAt: at, broadcasts: 0, viewers: 0 },
    ]);
  });

  it('refuses bad queries with REQUEST.VALIDATION_FAILED, and anyone but an operator', async () => {
    for (const query of ['?sort=hearts', '?limit=0', '?limit=201', '?limit=ten', '?limit=1.5', '?page=2']) {
      expect(await p.answer('GET', `/v1/ops/live${query}`, p.operator)).toMatchObject({ status: 400, code: 'REQUEST.VALIDATION_FAILED' });
    }
    for (const path of ['/v1/ops/live', `/v1/ops/live/${ids.mostWatched}`, '/v1/ops/sfu-nodes']) {
      expect(await p.answer('GET', path, plain)).toMatchObject({ status: 403, code: 'AUTH.ROLE_REQUIRED' });
      expect(await p.answer('GET', path)).toMatchObject({ status: 401, code: 'AUTH.TOKEN_MISSING' });
    }
  });

  // Last: stream-sessions stays down.
  it('answers 503 OPS.STREAM_SESSIONS_UNAVAILABLE while stream-sessions is down', async () => {
    sessions.process.kill('SIGTERM');
    await new Promise((r) => (sessions.process.exitCode !== null || sessions.process.signalCode !== null ? r(null) : sessions.process.once('exit', r)));
    for (const path of ['/v1/ops/live', '/v1/ops/live?sort=reports', `/v1/ops/live/${ids.mostWatched}`, '/v1/ops/sfu-nodes']) {
      expect(await p.answer('GET', path, p.operator)).toMatchObject({ status: 503, code: 'OPS.STREAM_SESSIONS_UNAVAILABLE' });
    }
  });
});
