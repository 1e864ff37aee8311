import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Metadata } from '@grpc/grpc-js';
import { FollowCreatedEvent, FollowDeletedEvent, FollowDeletedReason } from '@onair/contracts';
import { EventCollector, json, TestContext, waitUntil, type TestUser } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { randomUUID } from 'node:crypto';
import type { Client as PgClient } from 'pg';
import {
  httpClient,
  socialGraphClient,
  sql,
  startSocialGraph,
  unary,
  type RunningSocialGraph,
} from '../social-graph.test-app.js';

const telemetry = startTelemetry({ serviceName: 'social-graph', captureSpans: true });

describe('follows over HTTP, with accounts and tokens from the real identity', () => {
  const ctx = TestContext.create('sg_follows');
  let sg: RunningSocialGraph;
  let call: ReturnType<typeof httpClient>;
  let pg: PgClient;
  let created: EventCollector<typeof FollowCreatedEvent.schema>;
  let deleted: EventCollector<typeof FollowDeletedEvent.schema>;
  let ann: TestUser, bob: TestUser, cat: TestUser, star: TestUser;
  const fans: TestUser[] = [];

  beforeAll(async () => {
    const identity = await ctx.startIdentity();
    sg = await startSocialGraph(ctx, identity.jwksUrl);
    call = httpClient(sg.url);
    pg = await sql(ctx, sg.schema);
    created = await EventCollector.start(ctx, FollowCreatedEvent);
    deleted = await EventCollector.start(ctx, FollowDeletedEvent);
    [ann, bob, cat, star] = await Promise.all([ctx.newUser(), ctx.newUser(), ctx.newUser(), ctx.newUser()]);
    fans.push(...(await Promise.all(Array.from({ length: 7 }, () => ctx.newUser()))));
  });
  afterAll(() => ctx.cleanup());

  const follow = (who: TestUser, whom: string) => call('POST', `/v1/graph/follows/${whom}`, who.authHeader);
  const unfollow = (who: TestUser, whom: string) =>
    call('DELETE', `/v1/graph/follows/${whom}`, who.authHeader);
  const createdFor = (follower: string, followee: string) =>
    created.events.filter((e) => e.message.followerId === follower && e.message.followeeId === followee);

  it('follows once: 201, then 200 with the same time, and one follow.created.v1 keyed by the followee', async () => {
    const first = await follow(ann, star.id);
    expect(first.status).toBe(201);
    const body = await json(first);
    expect(body).toEqual({ followerId: ann.id, followeeId: star.id, followedAt: expect.any(String) });
    const again = await follow(ann, star.id);
    expect(again.status).toBe(200);
    expect(await json(again)).toEqual(body);

    // bob's follow has the same key, so it lands after ann's in the same partition.
    expect((await follow(bob, star.id)).status).toBe(201);
    await waitUntil(() => createdFor(bob.id, star.id).length === 1, 20_000, "bob's follow.created.v1");
    const [event] = createdFor(ann.id, star.id);
    expect(createdFor(ann.id, star.id)).toHaveLength(1);
    expect(event.key).toBe(star.id);
    expect(event.headers.ce_type).toBe('follow.created.v1');
    expect(event.message.createdAt && timestampDate(event.message.createdAt).toISOString()).toBe(
      body.followedAt,
    );
  });

  it('unfollows idempotently: 204 twice, one follow.deleted.v1 (UNFOLLOWED)', async () => {
    expect((await unfollow(bob, star.id)).status).toBe(204);
    expect((await unfollow(bob, star.id)).status).toBe(204);
    expect((await unfollow(cat, star.id)).status).toBe(204); // never followed: nothing to publish
    expect((await unfollow(ann, star.id)).status).toBe(204);
    await waitUntil(
      () => deleted.events.some((e) => e.message.followerId === ann.id),
      20_000,
      "ann's follow.deleted.v1",
    );
    const bobs = deleted.events.filter((e) => e.message.followerId === bob.id);
    expect(bobs).toHaveLength(1);
    expect(bobs[0].message).toMatchObject({ followeeId: star.id, reason: FollowDeletedReason.UNFOLLOWED });
    expect(bobs[0].key).toBe(star.id);
    expect(deleted.events.filter((e) => e.message.followerId === cat.id)).toEqual([]);
  });

  it('refuses to follow or unfollow oneself', async () => {
    for (const res of [await follow(ann, ann.id), await unfollow(ann, ann.id)]) {
      expect(res.status).toBe(400);
      expect((await json(res)).error.code).toBe('SOCIAL_GRAPH.CANNOT_FOLLOW_SELF');
    }
  });

  it('answers "does A follow B" in one call, over HTTP and gRPC', async () => {
    await follow(ann, bob.id);
    const yes = await json(await call('GET', `/v1/graph/follows/${ann.id}/${bob.id}`, cat.authHeader));
    expect(yes).toEqual({
      followerId: ann.id,
      followeeId: bob.id,
      following: true,
      followedAt: expect.any(String),
    });
    const no = await json(await call('GET', `/v1/graph/follows/${bob.id}/${ann.id}`, cat.authHeader));
    expect(no).toMatchObject({ following: false, followedAt: null });

    const grpc = socialGraphClient(sg.grpcAddress, ctx.infra.pkiDir);
    expect(await unary(grpc, 'isFollowing', { followerId: ann.id, followeeId: bob.id })).toEqual({
      following: true,
    });
    expect(await unary(grpc, 'isFollowing', { followerId: bob.id, followeeId: ann.id })).toEqual({
      following: false,
    });
    grpc.close();
  });

  it("continues the caller's trace in a gRPC call (traceparent in the metadata)", async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const metadata = new Metadata();
    metadata.set('traceparent', `00-${traceId}-b7ad6b7169203331-01`);
    const grpc = socialGraphClient(sg.grpcAddress, ctx.infra.pkiDir);
    await unary(grpc, 'isFollowing', { followerId: ann.id, followeeId: bob.id }, metadata);
    grpc.close();
    const spans = telemetry.finishedSpans().filter((s) => s.spanContext().traceId === traceId);
    expect(spans.map((s) => s.name)).toContain('onair.social_graph.v1.SocialGraphService/IsFollowing');
  });

  it('pages followers newest first with an opaque cursor: none twice, none missing', async () => {
    for (const fan of fans) expect((await follow(fan, cat.id)).status).toBe(201);
    const pages = await allPages(`/v1/graph/accounts/${cat.id}/followers`, 3);
    expect(pages.map((p) => p.items.length)).toEqual([3, 3, 1]);
    const ids = pages.flatMap((p) => p.items.map((i: { accountId: string }) => i.accountId));
    expect(ids).toEqual([...fans].reverse().map((f) => f.id));
    const times = pages.flatMap((p) => p.items.map((i: { followedAt: string }) => i.followedAt));
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('breaks ties between follows of the same microsecond by account id', async () => {
    await pg.query(`UPDATE follow SET created_at = '2026-01-01T00:00:00Z' WHERE followee_id = $1`, [cat.id]);
    const ids = (await allPages(`/v1/graph/accounts/${cat.id}/followers`, 2)).flatMap((p) =>
      p.items.map((i: { accountId: string }) => i.accountId),
    );
    expect(ids).toEqual(
      fans
        .map((f) => f.id)
        .sort()
        .reverse(),
    );
  });

  it('continues after the cursor even when the list changed in between (keyset, not offset)', async () => {
    await pg.query(`UPDATE follow SET created_at = now() - interval '1 day' WHERE followee_id = $1`, [
      cat.id,
    ]);
    const first = await json(
      await call('GET', `/v1/graph/accounts/${cat.id}/followers?limit=3`, ann.authHeader),
    );
    const seen = first.items.map((i: { accountId: string }) => i.accountId);
    // Someone on the first page leaves and a newcomer arrives: offset paging would now skip one.
    const [leaver] = fans.filter((f) => f.id === seen[0]);
    await unfollow(leaver, cat.id);
    await follow(star, cat.id);
    const rest = await allPages(`/v1/graph/accounts/${cat.id}/followers`, 3, first.nextCursor);
    const after = rest.flatMap((p) => p.items.map((i: { accountId: string }) => i.accountId));
    expect([...seen, ...after].sort()).toEqual(fans.map((f) => f.id).sort());
  });

  it('pages the accounts one follows, and counts both sides', async () => {
    for (const fan of fans.slice(0, 3)) await follow(star, fan.id);
    const following = (await allPages(`/v1/graph/accounts/${star.id}/following`, 2)).flatMap((p) =>
      p.items.map((i: { accountId: string }) => i.accountId),
    );
    expect(following).toEqual([
      ...fans
        .slice(0, 3)
        .reverse()
        .map((f) => f.id),
      cat.id,
    ]);
    const counts = await json(await call('GET', `/v1/graph/accounts/${star.id}/counts`, ann.authHeader));
    expect(counts).toEqual({ accountId: star.id, followers: 0, following: 4 });
    const catCounts = await json(await call('GET', `/v1/graph/accounts/${cat.id}/counts`, ann.authHeader));
    expect(catCounts).toEqual({ accountId: cat.id, followers: 7, following: 0 });
    const never = await json(await call('GET', `/v1/graph/accounts/${randomUUID()}/counts`, ann.authHeader));
    expect(never).toMatchObject({ followers: 0, following: 0 });
  });

  it('keeps the counters equal to the edges under concurrent follows and unfollows', async () => {
    await Promise.all(
      fans.flatMap((fan) => [
        follow(fan, ann.id),
        follow(fan, bob.id),
        unfollow(fan, cat.id),
        follow(ann, fan.id),
      ]),
    );
    const { rows } = await pg.query(
      `SELECT c.account_id, c.followers, c.following,
              (SELECT count(*) FROM follow f WHERE f.followee_id = c.account_id) AS edges_in,
              (SELECT count(*) FROM follow f WHERE f.follower_id = c.account_id) AS edges_out
         FROM follow_count c`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect([r.followers, r.following]).toEqual([r.edges_in, r.edges_out]);
  });

  async function allPages(path: string, limit: number, cursor?: string) {
    const pages = [];
    for (;;) {
      const res = await call(
        'GET',
        `${path}?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
        ann.authHeader,
      );
      expect(res.status).toBe(200);
      const page = await json(res);
      pages.push(page);
      if (!page.nextCursor) return pages;
      cursor = page.nextCursor;
    }
  }

  it('needs a valid access token', async () => {
    const none = await call('POST', `/v1/graph/follows/${bob.id}`);
    expect(none.status).toBe(401);
    expect((await json(none)).error.code).toBe('AUTH.TOKEN_MISSING');
    const forged = await call('GET', `/v1/graph/accounts/${bob.id}/followers`, {
      authorization: 'Bearer a.b.c',
    });
    expect(forged.status).toBe(401);
    expect((await json(forged)).error.code).toBe('AUTH.TOKEN_INVALID');
  });

  const id = '5d9c0f3e-2a43-4f8e-9a4b-0c1d2e3f4a5b';
  // [what, method, path, status, code, field named in the error ('' when none)]
  const bad: Array<[string, string, string, number, string, string]> = [
    [
      'a malformed account id',
      'POST',
      '/v1/graph/follows/not-a-uuid',
      400,
      'REQUEST.VALIDATION_FAILED',
      'accountId',
    ],
    [
      'SQL in an account id',
      'DELETE',
      `/v1/graph/follows/${id}'%20OR%201=1`,
      400,
      'REQUEST.VALIDATION_FAILED',
      'accountId',
    ],
    [
      'a malformed id in "does A follow B"',
      'GET',
      `/v1/graph/follows/${id}/nope`,
      400,
      'REQUEST.VALIDATION_FAILED',
      'followeeId',
    ],
    [
      'limit=0',
      'GET',
      `/v1/graph/accounts/${id}/followers?limit=0`,
      400,
      'REQUEST.VALIDATION_FAILED',
      'limit',
    ],
    [
      'limit above 200',
      'GET',
      `/v1/graph/accounts/${id}/followers?limit=201`,
      400,
      'REQUEST.VALIDATION_FAILED',
      'limit',
    ],
    [
      'a non-numeric limit',
      'GET',
      `/v1/graph/accounts/${id}/following?limit=ten`,
      400,
      'REQUEST.VALIDATION_FAILED',
      'limit',
    ],
    [
      'a fractional limit',
      'GET',
      `/v1/graph/accounts/${id}/following?limit=1.5`,
      400,
      'REQUEST.VALIDATION_FAILED',
      'limit',
    ],
    [
      'a repeated limit',
      'GET',
      `/v1/graph/accounts/${id}/following?limit=1&limit=2`,
      400,
      'REQUEST.VALIDATION_FAILED',
      'limit',
    ],
    [
      'an unknown parameter',
      'GET',
      `/v1/graph/accounts/${id}/followers?offset=10`,
      400,
      'REQUEST.VALIDATION_FAILED',
      'offset',
    ],
    [
      'a forged cursor',
      'GET',
      `/v1/graph/accounts/${id}/followers?cursor=bm9wZQ`,
      400,
      'SOCIAL_GRAPH.INVALID_CURSOR',
      'cursor',
    ],
    [
      'an empty cursor',
      'GET',
      `/v1/graph/accounts/${id}/followers?cursor=`,
      400,
      'REQUEST.VALIDATION_FAILED',
      'cursor',
    ],
    [
      'an overlong cursor',
      'GET',
      `/v1/graph/accounts/${id}/followers?cursor=${'A'.repeat(500)}`,
      400,
      'REQUEST.VALIDATION_FAILED',
      'cursor',
    ],
    ['an unknown route', 'GET', '/v1/graph/nope', 404, 'REQUEST.NOT_FOUND', ''],
    ['a wrong method', 'PUT', `/v1/graph/follows/${id}`, 404, 'REQUEST.NOT_FOUND', ''],
  ];
  it.each(bad)(
    'answers %s with a 4xx and a stable code',
    async (_what, method, path, status, code, field) => {
      const res = await call(method, path, ann.authHeader);
      expect(res.status).toBe(status);
      const answer = await json(res);
      expect(answer.error.code).toBe(code);
      if (field) expect(JSON.stringify(answer.error.details)).toContain(`"${field}"`);
    },
  );

  it('accepts an upper-case id as the same account', async () => {
    expect((await follow(bob, cat.id.toUpperCase())).status).toBe(201);
    expect((await follow(bob, cat.id)).status).toBe(200);
  });

  it('serves /healthz, /readyz, /metrics, /openapi.json and /docs', async () => {
    expect((await fetch(`${sg.url}/healthz`)).status).toBe(200);
    expect(await json(await fetch(`${sg.url}/readyz`))).toEqual({
      status: 'ready',
      checks: { postgres: true, kafka: true },
    });
    expect(await (await fetch(`${sg.url}/metrics`)).text()).toContain('outbox_relayed_events_total');
    const openapi = await json(await fetch(`${sg.url}/openapi.json`));
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/v1/graph/follows/{accountId}',
        '/v1/graph/accounts/{accountId}/followers',
        '/v1/graph/blocks/{accountId}',
        '/v1/graph/circles/{circleId}/members/{accountId}',
      ]),
    );
    expect((await fetch(`${sg.url}/docs`)).status).toBe(200);
  });
});
