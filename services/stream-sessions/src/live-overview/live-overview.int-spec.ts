import { create, fromBinary, toBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Client, status, type ServiceError } from '@grpc/grpc-js';
import { BroadcastEndReason, BroadcastOverviewState as State, StreamSessionsService, type BroadcastOverview } from '@onair/contracts';
import { ServiceTls } from '@onair/service-tls';
import { json, TestContext, type RunningIdentity, type TestUser } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Client as PgClient } from 'pg';
import { grpcErrorCode, httpClient, sql, startPlatform } from '../stream-sessions.test-app.js';

startTelemetry({ serviceName: 'stream-sessions' });

type Methods = typeof StreamSessionsService.method;
type Unary = 'listLiveBroadcasts' | 'getBroadcastOverview' | 'listSfuNodes';

/** StreamSessionsService's unary methods as ops calls them: libs/contracts messages over mutual TLS. */
class OverviewClient {
  private readonly client: Client;

  constructor(address: string, ctx: TestContext, as: string) {
    const pki = ctx.infra.pkiDir;
    const tls = ServiceTls.load({ caFile: join(pki, 'ca.crt'), certFile: join(pki, `${as}.crt`), keyFile: join(pki, `${as}.key`) });
    this.client = new Client(address, tls.grpcChannelCredentials(), ServiceTls.grpcChannelOptions('stream-sessions'));
  }

  call<M extends Unary>(name: M, request: Partial<MessageShape<Methods[M]['input']>>): Promise<MessageShape<Methods[M]['output']>> {
    const method = StreamSessionsService.method[name] as { name: string; input: DescMessage; output: DescMessage };
    return new Promise((resolve, reject) =>
      this.client.makeUnaryRequest(
        `/${StreamSessionsService.typeName}/${method.name}`,
        (message: MessageShape<DescMessage>) => Buffer.from(toBinary(method.input, message)),
        (bytes: Buffer) => fromBinary(method.output, bytes),
        create(method.input, request as never),
        (err, response) => (err ? reject(err) : resolve(response as never)),
      ),
    );
  }

  close() {
    this.client.close();
  }
}

const seconds = (n: number) => `now() - interval '${n} seconds'`;

describe('the live overview (gRPC for ops) and operators’ watch preview', () => {
  const ctx = TestContext.create('ss_live_overview');
  let pg: PgClient;
  let ops: OverviewClient;
  let grpcAddress: string;
  let call: ReturnType<typeof httpClient>;
  let identity: RunningIdentity;
  let ann: TestUser, bob: TestUser, operator: TestUser;

  beforeAll(async () => {
    const platform = await startPlatform(ctx, { SWEEP_INTERVAL_MS: '60000', SFU_NODE_STALE_SECONDS: '30', AUDIENCE_STALE_SECONDS: '60' });
    identity = platform.identity;
    grpcAddress = platform.sessions.grpcAddress;
    pg = await sql(ctx, platform.sessions.schema);
    call = httpClient(platform.sessions.url);
    ops = new OverviewClient(grpcAddress, ctx, 'ops');
    ctx.onCleanup(async () => ops.close());
    [ann, bob] = await Promise.all([ctx.newUser(), ctx.newUser()]);
    operator = await makeOperator(await ctx.newUser());
  });
  beforeEach(() => pg.query('TRUNCATE broadcast, sfu_node CASCADE'));
  afterAll(() => ctx.cleanup());

  /** An admin as on a fresh install (identity's grant-admin command) grants `user` the operator role. */
  async function makeOperator(user: TestUser): Promise<TestUser> {
    const admin = await ctx.newUser();
    execFileSync(process.execPath, [join(ctx.infra.repoRoot, 'services/identity/dist/src/roles/grant-admin.cli.js'), admin.handle], {
      env: { PATH: process.env.PATH, DATABASE_URL: ctx.infra.pgUrl, DATABASE_SCHEMA: ctx.schema('identity'), KAFKA_BROKERS: ctx.infra.kafkaBrokers.join(','), KAFKA_TOPIC_PREFIX: ctx.topicPrefix },
    });
    const refresh = async (u: TestUser) => {
      const tokens = await json(await fetch(`${identity.url}/v1/sessions/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: u.refreshToken }) }));
      return { ...u, ...tokens, authHeader: { authorization: `Bearer ${tokens.accessToken}` } } as TestUser;
    };
    const adminNow = await refresh(admin);
    const granted = await fetch(`${identity.url}/v1/accounts/${user.id}/roles/operator`, {
      method: 'PUT',
      headers: { ...adminNow.authHeader, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'console preview' }),
    });
    expect(granted.status).toBe(204);
    return refresh(user);
  }

  /** A broadcast row as the lifecycle leaves it; live ones on `node`. */
  async function seed(s: { state?: string; viewers?: number; startedMinutesAgo?: number; node?: string; visibility?: string; endReason?: string } = {}): Promise<string> {
    const id = randomUUID();
    const state = s.state ?? 'live';
    const over = state !== 'live' && state !== 'created';
    await pg.query(
      `INSERT INTO broadcast (id, owner_id, title, topics, language, visibility, circle_id, state, sfu_node_id, started_at, ended_at, end_reason,
                              replay_expires_at, viewers_now, viewers_peak, hearts_total)
       VALUES ($1, $2, 'seeded', '{news}', 'en', $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, 42)`,
      [
        id, ann.id, s.visibility ?? 'public', s.visibility === 'circle' ? randomUUID() : null, state, state === 'created' ? null : (s.node ?? 'node-a'),
        state === 'created' ? null : new Date(Date.now() - (s.startedMinutesAgo ?? 10) * 60_000), over ? new Date() : null,
        over ? (s.endReason ?? 'owner') : null, over ? new Date(Date.now() + 86_400_000) : null, s.viewers ?? 0,
      ],
    );
    return id;
  }
  const node = (id: string, o: { consumers?: number; capacity?: number; draining?: boolean; receivedSecondsAgo?: number } = {}) =>
    pg.query(
      `INSERT INTO sfu_node (node_id, signalling_url, relay_url, consumers, consumer_capacity, cpu_percent, draining, reported_at, received_at)
       VALUES ($1, $2, $3, $4, $5, 33.5, $6, ${seconds(o.receivedSecondsAgo ?? 0)}, ${seconds(o.receivedSecondsAgo ?? 0)})`,
      [id, `ws://${id}.sfu.test/ws`, `ws://${id}.sfu.test/relay`, o.consumers ?? 0, o.capacity ?? 100, o.draining ?? false],
    );
  const edge = (broadcastId: string, nodeId: string, parent: string, depth: number) =>
    pg.query('INSERT INTO relay_edge (broadcast_id, node_id, parent_node_id, depth) VALUES ($1, $2, $3, $4)', [broadcastId, nodeId, parent, depth]);
  const audience = (broadcastId: string, nodeId: string, viewers: number, receivedSecondsAgo = 0) =>
    pg.query(`INSERT INTO broadcast_audience (broadcast_id, node_id, viewers, reported_at, received_at) VALUES ($1, $2, $3, now(), ${seconds(receivedSecondsAgo)})`, [
      broadcastId, nodeId, viewers,
    ]);
  const tree = (b: BroadcastOverview) => b.nodes.map((n) => [n.nodeId, n.viewers, n.parentNodeId, n.depth]);
  const refusal = async (p: Promise<unknown>) => {
    const err = (await p.catch((e) => e)) as ServiceError;
    return [err.code, grpcErrorCode(err)];
  };

  it('lists live broadcasts by viewers (then the earliest started), each with its relay tree and node audiences', async () => {
    const relayed = await seed({ viewers: 40 });
    const quiet = await seed({ viewers: 3, startedMinutesAgo: 5 });
    const tie = await seed({ viewers: 3, startedMinutesAgo: 50 });
    await seed({ state: 'ended', viewers: 99 });
    await seed({ state: 'created' });
    await edge(relayed, 'node-b', 'node-a', 1);
    await edge(relayed, 'node-c', 'node-b', 2);
    await audience(relayed, 'node-a', 25);
    await audience(relayed, 'node-b', 15);
    await audience(relayed, 'node-c', 9, 120); // too old to count

    const { broadcasts } = await ops.call('listLiveBroadcasts', {});
    expect(broadcasts.map((b) => b.info!.broadcastId)).toEqual([relayed, tie, quiet]);
    const [top] = broadcasts;
    expect(top).toMatchObject({ state: State.LIVE, viewersNow: 40, viewersPeak: 40, heartsTotal: 42n, originNodeId: 'node-a', endReason: BroadcastEndReason.UNSPECIFIED });
    expect(top.info).toMatchObject({ ownerId: ann.id, title: 'seeded', topics: ['news'] });
    expect(timestampDate(top.startedAt!).getTime()).toBeLessThan(Date.now());
    expect(tree(top)).toEqual([
      ['node-a', 25, '', 0],
      ['node-b', 15, 'node-a', 1],
      ['node-c', 0, 'node-b', 2],
    ]);
    expect(tree(broadcasts[1])).toEqual([['node-a', 0, '', 0]]);

    expect((await ops.call('listLiveBroadcasts', { limit: 2 })).broadcasts.map((b) => b.info!.broadcastId)).toEqual([relayed, tie]);
    // Only the asked ones that are live, in the same order.
    const ended = await seed({ state: 'ended' });
    const asked = await ops.call('listLiveBroadcasts', { limit: 10, broadcastIds: [quiet, ended, randomUUID(), relayed.toUpperCase()] });
    expect(asked.broadcasts.map((b) => b.info!.broadcastId)).toEqual([relayed, quiet]);
  });

  it('bounds every list: INVALID_ARGUMENT with REQUEST.VALIDATION_FAILED past it', async () => {
    const invalid = [status.INVALID_ARGUMENT, 'REQUEST.VALIDATION_FAILED'];
    expect(await refusal(ops.call('listLiveBroadcasts', { limit: 1001 }))).toEqual(invalid);
    expect(await refusal(ops.call('listLiveBroadcasts', { broadcastIds: Array.from({ length: 1001 }, () => randomUUID()) }))).toEqual(invalid);
    expect(await refusal(ops.call('listLiveBroadcasts', { broadcastIds: ['not-a-uuid'] }))).toEqual(invalid);
    expect(await refusal(ops.call('listSfuNodes', { limit: 1001 }))).toEqual(invalid);
    expect(await refusal(ops.call('getBroadcastOverview', { broadcastId: 'nope' }))).toEqual(invalid);
    expect((await ops.call('listLiveBroadcasts', { broadcastIds: Array.from({ length: 1000 }, () => randomUUID()) })).broadcasts).toEqual([]);
  });

  it('describes one broadcast in any state, with why it ended, and no tree once over', async () => {
    const taken = await seed({ state: 'ended', endReason: 'taken_down', viewers: 5 });
    await edge(taken, 'node-b', 'node-a', 1);
    const b = (await ops.call('getBroadcastOverview', { broadcastId: taken })).broadcast!;
    expect(b).toMatchObject({ state: State.ENDED, endReason: BroadcastEndReason.TAKEN_DOWN, viewersNow: 0, viewersPeak: 5, originNodeId: '', nodes: [] });
    expect(b.endedAt).toBeDefined();
    const created = (await ops.call('getBroadcastOverview', { broadcastId: await seed({ state: 'created' }) })).broadcast!;
    expect(created).toMatchObject({ state: State.CREATED, originNodeId: '', nodes: [] });
    expect(created.startedAt).toBeUndefined();
    const replay = (await ops.call('getBroadcastOverview', { broadcastId: await seed({ state: 'replay_ready' }) })).broadcast!;
    expect(replay.state).toBe(State.REPLAY_READY);
    const live = await seed({ viewers: 2 });
    await audience(live, 'node-a', 2);
    expect(tree((await ops.call('getBroadcastOverview', { broadcastId: live })).broadcast!)).toEqual([['node-a', 2, '', 0]]);
    expect(await refusal(ops.call('getBroadcastOverview', { broadcastId: randomUUID() }))).toEqual([status.NOT_FOUND, 'STREAM_SESSIONS.BROADCAST_NOT_FOUND']);
  });

  it("lists the SFU nodes' load, stale and draining ones marked, with the live broadcasts and viewers each carries", async () => {
    await node('node-a', { consumers: 90, capacity: 100 });
    await node('node-b', { consumers: 12, draining: true });
    await node('node-c', { receivedSecondsAgo: 45 }); // past SFU_NODE_STALE_SECONDS (30)
    await node('node-gone', { receivedSecondsAgo: 3600 });
    const one = await seed({ viewers: 30 });
    const two = await seed({ viewers: 4, node: 'node-b' });
    const over = await seed({ state: 'ended' });
    await edge(one, 'node-b', 'node-a', 1);
    await edge(over, 'node-c', 'node-a', 1);
    await audience(one, 'node-a', 20);
    await audience(one, 'node-b', 10);
    await audience(two, 'node-b', 4);
    await audience(two, 'node-c', 7, 120); // too old to count

    const { nodes } = await ops.call('listSfuNodes', {});
    expect(nodes.map((n) => [n.nodeId, n.consumers, n.consumerCapacity, n.cpuPercent, n.draining, n.stale, n.broadcasts, n.viewers])).toEqual([
      ['node-a', 90, 100, 33.5, false, false, 1, 20],
      ['node-b', 12, 100, 33.5, true, false, 2, 14],
      ['node-c', 0, 100, 33.5, false, true, 0, 0],
    ]);
    expect(Math.abs(timestampDate(nodes[0].reportedAt!).getTime() - Date.now())).toBeLessThan(60_000);
    expect((await ops.call('listSfuNodes', { limit: 1 })).nodes.map((n) => n.nodeId)).toEqual(['node-a']);
  });

  it('answers ops and discovery, and refuses other services with PERMISSION_DENIED', async () => {
    const discovery = new OverviewClient(grpcAddress, ctx, 'discovery');
    const chat = new OverviewClient(grpcAddress, ctx, 'chat');
    try {
      expect((await discovery.call('listSfuNodes', {})).nodes).toEqual([]);
      expect(await refusal(chat.call('listSfuNodes', {}))).toEqual([status.PERMISSION_DENIED, 'AUTH.SERVICE_NOT_ALLOWED']);
    } finally {
      discovery.close();
      chat.close();
    }
  });

  describe("operators' watch preview", () => {
    const ticket = (id: string, user: TestUser, role = 'consume') => call('POST', `/v1/broadcasts/${id}/tickets`, user, { role });

    it('gives an operator a viewer ticket for a live broadcast of any visibility; nobody else gets past the audience', async () => {
      await node('node-a');
      for (const visibility of ['followers', 'circle', 'public']) {
        const id = await seed({ visibility });
        const res = await ticket(id, operator);
        expect(res.status).toBe(201);
        expect(await json(res)).toMatchObject({ role: 'consume', broadcastId: id, nodeId: 'node-a' });
        if (visibility === 'followers') {
          expect(await json(await ticket(id, bob))).toMatchObject({ error: { code: 'STREAM_SESSIONS.NOT_ADMITTED' } });
        }
      }
    });

    it('widens nothing else: not a broadcast that is not live, not the chat of a private one', async () => {
      await node('node-a');
      const created = await seed({ state: 'created', visibility: 'followers' });
      expect((await ticket(created, operator)).status).toBe(409);
      const followers = await seed({ visibility: 'followers' });
      const chat = await ticket(followers, operator, 'chat');
      expect(chat.status).toBe(403);
      expect(await json(chat)).toMatchObject({ error: { code: 'STREAM_SESSIONS.NOT_ADMITTED' } });
    });
  });
});
