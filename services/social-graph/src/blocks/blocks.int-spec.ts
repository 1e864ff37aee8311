import { status, type ServiceError } from '@grpc/grpc-js';
import {
  BlockCreatedEvent,
  BlockDeletedEvent,
  FollowDeletedEvent,
  FollowDeletedReason,
} from '@onair/contracts';
import { EventCollector, json, TestContext, waitUntil, type TestUser } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import type { Client as PgClient } from 'pg';
import {
  grpcErrorCode,
  httpClient,
  socialGraphClient,
  sql,
  startSocialGraph,
  unary,
  type RunningSocialGraph,
} from '../social-graph.test-app.js';

startTelemetry({ serviceName: 'social-graph' });

describe('blocks: removing follows both ways and honoured everywhere', () => {
  const ctx = TestContext.create('sg_blocks');
  let sg: RunningSocialGraph;
  let call: ReturnType<typeof httpClient>;
  let pg: PgClient;
  let grpc: ReturnType<typeof socialGraphClient>;
  let blocks: EventCollector<typeof BlockCreatedEvent.schema>;
  let unblocks: EventCollector<typeof BlockDeletedEvent.schema>;
  let unfollows: EventCollector<typeof FollowDeletedEvent.schema>;
  let ann: TestUser, bob: TestUser, cat: TestUser;

  beforeAll(async () => {
    const identity = await ctx.startIdentity();
    sg = await startSocialGraph(ctx, identity.jwksUrl);
    call = httpClient(sg.url);
    pg = await sql(ctx, sg.schema);
    grpc = socialGraphClient(sg.grpcAddress, ctx.infra.pkiDir);
    ctx.onCleanup(async () => grpc.close());
    blocks = await EventCollector.start(ctx, BlockCreatedEvent);
    unblocks = await EventCollector.start(ctx, BlockDeletedEvent);
    unfollows = await EventCollector.start(ctx, FollowDeletedEvent);
    [ann, bob, cat] = await Promise.all([ctx.newUser(), ctx.newUser(), ctx.newUser()]);
  });
  afterAll(() => ctx.cleanup());

  const follow = (who: TestUser, whom: TestUser) =>
    call('POST', `/v1/graph/follows/${whom.id}`, who.authHeader);
  const block = (who: TestUser, whom: TestUser) => call('PUT', `/v1/graph/blocks/${whom.id}`, who.authHeader);
  const unblock = (who: TestUser, whom: TestUser) =>
    call('DELETE', `/v1/graph/blocks/${whom.id}`, who.authHeader);
  const counts = async (of: TestUser) =>
    json(await call('GET', `/v1/graph/accounts/${of.id}/counts`, cat.authHeader));
  const isBlocked = (a: TestUser, b: TestUser) =>
    unary<{ blocked: boolean }>(grpc, 'isBlocked', { accountId: a.id, otherAccountId: b.id });

  it('removes the follows both ways in the same step, with their events, and publishes block.created.v1', async () => {
    expect((await follow(ann, bob)).status).toBe(201);
    expect((await follow(bob, ann)).status).toBe(201);
    expect((await follow(cat, ann)).status).toBe(201);
    const res = await block(ann, bob);
    expect(res.status).toBe(201);
    expect(await json(res)).toEqual({ blockerId: ann.id, blockedId: bob.id, blockedAt: expect.any(String) });

    const { rows } = await pg.query('SELECT follower_id FROM follow WHERE $1 IN (follower_id, followee_id)', [
      ann.id,
    ]);
    expect(rows.map((r) => r.follower_id)).toEqual([cat.id]);
    expect(await counts(ann)).toMatchObject({ followers: 1, following: 0 });
    expect(await counts(bob)).toMatchObject({ followers: 0, following: 0 });

    const [event] = await blocks.waitFor(1);
    expect(event.message).toMatchObject({ blockerId: ann.id, blockedId: bob.id });
    expect(event.key).toBe(ann.id);
    await unfollows.waitFor(2);
    expect(
      unfollows.events.map((e) => [e.message.followerId, e.message.followeeId, e.message.reason]).sort(),
    ).toEqual(
      [
        [ann.id, bob.id, FollowDeletedReason.BLOCKED],
        [bob.id, ann.id, FollowDeletedReason.BLOCKED],
      ].sort(),
    );
  });

  it('is idempotent: blocking again answers 200 and publishes nothing', async () => {
    const again = await block(ann, bob);
    expect(again.status).toBe(200);
    expect((await json(again)).blockerId).toBe(ann.id);
    // A later event with the same key (ann) travels in the same partition, after any duplicate.
    await block(ann, cat);
    await waitUntil(
      () => blocks.events.some((e) => e.message.blockedId === cat.id),
      20_000,
      'the later block.created.v1',
    );
    expect(blocks.events.filter((e) => e.message.blockedId === bob.id)).toHaveLength(1);
    await unblock(ann, cat);
  });

  it('refuses a follow in either direction while the block stands', async () => {
    for (const res of [await follow(bob, ann), await follow(ann, bob)]) {
      expect(res.status).toBe(403);
      expect((await json(res)).error.code).toBe('SOCIAL_GRAPH.BLOCKED');
    }
  });

  it("hides the blocker's lists, counts and follows from the blocked account, not from others", async () => {
    for (const path of [
      `/v1/graph/accounts/${ann.id}/followers`,
      `/v1/graph/accounts/${ann.id}/following`,
      `/v1/graph/accounts/${ann.id}/counts`,
      `/v1/graph/follows/${cat.id}/${ann.id}`,
    ]) {
      const res = await call('GET', path, bob.authHeader);
      expect(res.status).toBe(403);
      expect((await json(res)).error.code).toBe('SOCIAL_GRAPH.BLOCKED');
      expect((await call('GET', path, cat.authHeader)).status).toBe(200);
    }
    expect((await call('GET', `/v1/graph/accounts/${bob.id}/followers`, ann.authHeader)).status).toBe(200);
  });

  it('answers IsBlocked over gRPC in both directions', async () => {
    expect(await isBlocked(ann, bob)).toEqual({ blocked: true });
    expect(await isBlocked(bob, ann)).toEqual({ blocked: true });
    expect(await isBlocked(ann, cat)).toEqual({ blocked: false });
    const err = (await unary(grpc, 'isBlocked', { accountId: ann.id, otherAccountId: 'nope' }).catch(
      (e) => e,
    )) as ServiceError;
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(grpcErrorCode(err)).toBe('REQUEST.VALIDATION_FAILED');
  });

  it("lists one's own blocks only", async () => {
    const mine = await json(await call('GET', '/v1/graph/blocks', ann.authHeader));
    expect(mine).toEqual({ items: [{ accountId: bob.id, blockedAt: expect.any(String) }], nextCursor: null });
    expect(await json(await call('GET', '/v1/graph/blocks?limit=1', bob.authHeader))).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it('unblocks idempotently with one block.deleted.v1; the removed follows stay removed', async () => {
    expect((await unblock(ann, bob)).status).toBe(204);
    expect((await unblock(ann, bob)).status).toBe(204);
    // Only the blocker can lift a block: bob "unblocking" ann changes nothing.
    expect((await unblock(bob, ann)).status).toBe(204);
    await waitUntil(
      () => unblocks.events.some((e) => e.message.blockedId === bob.id),
      20_000,
      'block.deleted.v1',
    );
    expect(unblocks.events.filter((e) => e.message.blockedId === bob.id)).toHaveLength(1);
    expect(unblocks.events.filter((e) => e.message.blockerId === bob.id)).toEqual([]);
    expect(await isBlocked(ann, bob)).toEqual({ blocked: false });
    expect(
      await json(await call('GET', `/v1/graph/follows/${bob.id}/${ann.id}`, cat.authHeader)),
    ).toMatchObject({ following: false });
    expect((await follow(bob, ann)).status).toBe(201);
  });

  it('never leaves a follow beside a block when both race', async () => {
    for (let round = 0; round < 15; round++) {
      await Promise.all([follow(cat, bob), block(bob, cat), follow(bob, cat)]);
      const { rows } = await pg.query(
        `SELECT count(*)::int AS n FROM follow WHERE (follower_id, followee_id) IN (($1::uuid, $2::uuid), ($2::uuid, $1::uuid))`,
        [cat.id, bob.id],
      );
      expect(rows[0].n).toBe(0);
      await unblock(bob, cat);
    }
  });

  it('refuses to block oneself and malformed ids', async () => {
    const self = await block(ann, ann);
    expect(self.status).toBe(400);
    expect((await json(self)).error.code).toBe('SOCIAL_GRAPH.CANNOT_BLOCK_SELF');
    for (const res of [
      await call('PUT', '/v1/graph/blocks/12345', ann.authHeader),
      await call('GET', '/v1/graph/blocks?limit=x', ann.authHeader),
    ]) {
      expect(res.status).toBe(400);
      expect((await json(res)).error.code).toBe('REQUEST.VALIDATION_FAILED');
    }
    expect((await call('PUT', `/v1/graph/blocks/${bob.id}`)).status).toBe(401);
  });
});
