import { status, type ServiceError } from '@grpc/grpc-js';
import { CircleDeletedEvent, CircleMemberRemovedEvent } from '@onair/contracts';
import { EventCollector, json, TestContext, waitUntil, type TestUser } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { randomUUID } from 'node:crypto';
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
import { MAX_CIRCLES_PER_OWNER, MAX_MEMBERS_PER_CIRCLE } from './circle.schemas.js';

startTelemetry({ serviceName: 'social-graph' });

describe('circles: named groups of one’s followers', () => {
  const ctx = TestContext.create('sg_circles');
  let sg: RunningSocialGraph;
  let call: ReturnType<typeof httpClient>;
  let pg: PgClient;
  let grpc: ReturnType<typeof socialGraphClient>;
  let ann: TestUser, bob: TestUser, cat: TestUser, dan: TestUser;
  let friends: string;

  beforeAll(async () => {
    const identity = await ctx.startIdentity();
    sg = await startSocialGraph(ctx, identity.jwksUrl);
    call = httpClient(sg.url);
    pg = await sql(ctx, sg.schema);
    grpc = socialGraphClient(sg.grpcAddress, ctx.infra.pkiDir);
    ctx.onCleanup(async () => grpc.close());
    [ann, bob, cat, dan] = await Promise.all([ctx.newUser(), ctx.newUser(), ctx.newUser(), ctx.newUser()]);
    for (const fan of [bob, cat, dan]) await call('POST', `/v1/graph/follows/${ann.id}`, fan.authHeader);
  });
  afterAll(() => ctx.cleanup());

  const add = (circle: string, who: TestUser, as = ann) =>
    call('PUT', `/v1/graph/circles/${circle}/members/${who.id}`, as.authHeader);
  const members = async (circle: string) =>
    (await json(await call('GET', `/v1/graph/circles/${circle}/members`, ann.authHeader))).items.map(
      (m: { accountId: string }) => m.accountId,
    );
  const isMember = (circleId: string, who: TestUser) =>
    unary<{ member: boolean; ownerId: string }>(grpc, 'isCircleMember', { circleId, accountId: who.id });

  it('creates, lists, renames and reads a circle', async () => {
    const res = await call('POST', '/v1/graph/circles', ann.authHeader, { name: '  Close friends ' });
    expect(res.status).toBe(201);
    const circle = await json(res);
    expect(circle).toEqual({
      id: expect.any(String),
      name: 'Close friends',
      memberCount: 0,
      createdAt: expect.any(String),
    });
    friends = circle.id;
    const renamed = await call('PATCH', `/v1/graph/circles/${friends}`, ann.authHeader, { name: 'Friends' });
    expect(await json(renamed)).toMatchObject({ id: friends, name: 'Friends' });
    expect(await json(await call('GET', '/v1/graph/circles', ann.authHeader))).toEqual({
      items: [{ ...circle, name: 'Friends' }],
    });
    expect(await json(await call('GET', '/v1/graph/circles', bob.authHeader))).toEqual({ items: [] });
  });

  it('refuses a second circle of the same name, whatever its case', async () => {
    const other = await json(await call('POST', '/v1/graph/circles', ann.authHeader, { name: 'Family' }));
    for (const res of [
      await call('POST', '/v1/graph/circles', ann.authHeader, { name: 'FRIENDS' }),
      await call('PATCH', `/v1/graph/circles/${other.id}`, ann.authHeader, { name: 'friends' }),
    ]) {
      expect(res.status).toBe(409);
      expect((await json(res)).error.code).toBe('SOCIAL_GRAPH.CIRCLE_NAME_TAKEN');
    }
    // Another account may use the name; renaming to one's own name (other case) is fine.
    expect((await call('POST', '/v1/graph/circles', bob.authHeader, { name: 'Friends' })).status).toBe(201);
    expect(
      (await call('PATCH', `/v1/graph/circles/${other.id}`, ann.authHeader, { name: 'FAMILY' })).status,
    ).toBe(200);
    expect((await call('DELETE', `/v1/graph/circles/${other.id}`, ann.authHeader)).status).toBe(204);
  });

  it('adds only followers: NOT_A_FOLLOWER otherwise; adding twice is a no-op', async () => {
    const stranger = await add(friends, ann, ann);
    expect(stranger.status).toBe(409);
    expect((await json(stranger)).error.code).toBe('SOCIAL_GRAPH.NOT_A_FOLLOWER');
    const notFollowing = await call(
      'PUT',
      `/v1/graph/circles/${friends}/members/${randomUUID()}`,
      ann.authHeader,
    );
    expect((await json(notFollowing)).error.code).toBe('SOCIAL_GRAPH.NOT_A_FOLLOWER');

    const first = await add(friends, bob);
    expect(first.status).toBe(201);
    expect(await json(first)).toEqual({ accountId: bob.id, addedAt: expect.any(String) });
    expect((await add(friends, bob)).status).toBe(200);
    expect((await add(friends, cat)).status).toBe(201);
    expect(await members(friends)).toEqual([cat.id, bob.id]);
    expect((await json(await call('GET', `/v1/graph/circles/${friends}`, ann.authHeader))).memberCount).toBe(
      2,
    );
  });

  it('answers IsCircleMember over gRPC with the owner, and NOT_FOUND for an unknown circle', async () => {
    expect(await isMember(friends, bob)).toEqual({ member: true, ownerId: ann.id });
    expect(await isMember(friends, dan)).toEqual({ member: false, ownerId: ann.id });
    expect(await isMember(friends, ann)).toEqual({ member: false, ownerId: ann.id }); // the owner is not a member
    const unknown = (await isMember(randomUUID(), bob).catch((e) => e)) as ServiceError;
    expect(unknown.code).toBe(status.NOT_FOUND);
    expect(grpcErrorCode(unknown)).toBe('SOCIAL_GRAPH.CIRCLE_NOT_FOUND');
    const malformed = (await unary(grpc, 'isCircleMember', { circleId: 'x', accountId: bob.id }).catch(
      (e) => e,
    )) as ServiceError;
    expect(malformed.code).toBe(status.INVALID_ARGUMENT);
  });

  it('drops a member who unfollows, or whom the owner blocks, or who blocks the owner', async () => {
    expect((await add(friends, dan)).status).toBe(201);
    await call('DELETE', `/v1/graph/follows/${ann.id}`, bob.authHeader);
    await call('PUT', `/v1/graph/blocks/${cat.id}`, ann.authHeader);
    await call('PUT', `/v1/graph/blocks/${ann.id}`, dan.authHeader);
    expect(await members(friends)).toEqual([]);
    expect(await isMember(friends, bob)).toMatchObject({ member: false });
    // Following again does not restore a membership.
    await call('POST', `/v1/graph/follows/${ann.id}`, bob.authHeader);
    expect(await members(friends)).toEqual([]);
    expect((await add(friends, bob)).status).toBe(201);
  });

  it('removes a member idempotently, publishing circle.member_removed.v1 once, and pages members newest first', async () => {
    const removed = await EventCollector.start(ctx, CircleMemberRemovedEvent);
    expect(
      (await call('DELETE', `/v1/graph/circles/${friends}/members/${bob.id}`, ann.authHeader)).status,
    ).toBe(204);
    expect(
      (await call('DELETE', `/v1/graph/circles/${friends}/members/${bob.id}`, ann.authHeader)).status,
    ).toBe(204);
    const [event] = await removed.waitFor(1);
    expect(event.key).toBe(friends);
    expect(event.message).toMatchObject({ circleId: friends, ownerId: ann.id, memberId: bob.id });
    const fans = await Promise.all(Array.from({ length: 5 }, () => ctx.newUser()));
    for (const fan of fans) {
      await call('POST', `/v1/graph/follows/${ann.id}`, fan.authHeader);
      expect((await add(friends, fan)).status).toBe(201);
    }
    const seen: string[] = [];
    let cursor = '';
    do {
      const page = await json(
        await call(
          'GET',
          `/v1/graph/circles/${friends}/members?limit=2${cursor && `&cursor=${cursor}`}`,
          ann.authHeader,
        ),
      );
      seen.push(...page.items.map((m: { accountId: string }) => m.accountId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(fans.map((f) => f.id).reverse());
    expect(removed.events).toHaveLength(1); // the second removal changed nothing, published nothing
  });

  it("does not let anyone else see or change one's circles", async () => {
    const paths: Array<[string, string, unknown?]> = [
      ['GET', `/v1/graph/circles/${friends}`],
      ['PATCH', `/v1/graph/circles/${friends}`, { name: 'mine now' }],
      ['GET', `/v1/graph/circles/${friends}/members`],
      ['PUT', `/v1/graph/circles/${friends}/members/${bob.id}`],
      ['DELETE', `/v1/graph/circles/${friends}/members/${bob.id}`],
    ];
    for (const [method, path, body] of paths) {
      const res = await call(method, path, bob.authHeader, body);
      expect(res.status).toBe(404);
      expect((await json(res)).error.code).toBe('SOCIAL_GRAPH.CIRCLE_NOT_FOUND');
    }
    // Deleting is idempotent, so someone else's circle answers 204 and stays.
    expect((await call('DELETE', `/v1/graph/circles/${friends}`, bob.authHeader)).status).toBe(204);
    expect((await call('GET', `/v1/graph/circles/${friends}`, ann.authHeader)).status).toBe(200);
  });

  it('deletes a circle with its memberships, publishing circle.deleted.v1 once', async () => {
    const deleted = await EventCollector.start(ctx, CircleDeletedEvent);
    expect((await call('DELETE', `/v1/graph/circles/${friends}`, ann.authHeader)).status).toBe(204);
    expect((await call('DELETE', `/v1/graph/circles/${friends}`, ann.authHeader)).status).toBe(204);
    await waitUntil(() => deleted.events.some((e) => e.message.circleId === friends), 20_000, 'circle.deleted.v1');
    expect(deleted.events.filter((e) => e.message.circleId === friends).map((e) => e.message)).toEqual([expect.objectContaining({ circleId: friends, ownerId: ann.id })]);
    expect((await call('GET', `/v1/graph/circles/${friends}`, ann.authHeader)).status).toBe(404);
    expect(
      (await pg.query('SELECT count(*)::int AS n FROM circle_member WHERE circle_id = $1', [friends])).rows[0]
        .n,
    ).toBe(0);
  });

  it(`holds an account to ${MAX_CIRCLES_PER_OWNER} circles`, async () => {
    const made = await Promise.all(
      Array.from({ length: MAX_CIRCLES_PER_OWNER + 5 }, (_, i) =>
        call('POST', '/v1/graph/circles', cat.authHeader, { name: `c${i}` }),
      ),
    );
    const statuses = made.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(MAX_CIRCLES_PER_OWNER);
    const refused = made.filter((r) => r.status === 409);
    expect(refused).toHaveLength(5);
    expect((await json(refused[0])).error.code).toBe('SOCIAL_GRAPH.CIRCLE_LIMIT_REACHED');
  });

  it(`holds a circle to ${MAX_MEMBERS_PER_CIRCLE} members`, async () => {
    // A full circle is set up in SQL: signing up thousands of accounts would take minutes.
    const big = await json(await call('POST', '/v1/graph/circles', dan.authHeader, { name: 'everyone' }));
    await pg.query(
      `WITH fans AS (INSERT INTO follow (followee_id, follower_id) SELECT $1, gen_random_uuid() FROM generate_series(1, $3) RETURNING follower_id)
       INSERT INTO circle_member (circle_id, owner_id, member_id) SELECT $2, $1, follower_id FROM fans`,
      [dan.id, big.id, MAX_MEMBERS_PER_CIRCLE],
    );
    await call('DELETE', `/v1/graph/blocks/${ann.id}`, dan.authHeader);
    await call('POST', `/v1/graph/follows/${dan.id}`, ann.authHeader);
    const full = await add(big.id, ann, dan);
    expect(full.status).toBe(409);
    expect((await json(full)).error.code).toBe('SOCIAL_GRAPH.CIRCLE_FULL');
  });

  // [what, method, path suffix, body, code, field named in the error ('' when none)]
  const bad: Array<[string, string, string, unknown, string, string]> = [
    ['no body', 'POST', '', undefined, 'REQUEST.VALIDATION_FAILED', ''],
    ['an empty name', 'POST', '', { name: '   ' }, 'REQUEST.VALIDATION_FAILED', 'name'],
    ['an overlong name', 'POST', '', { name: 'x'.repeat(51) }, 'REQUEST.VALIDATION_FAILED', 'name'],
    [
      'a name with a control character',
      'POST',
      '',
      { name: 'a\u0000b' },
      'REQUEST.VALIDATION_FAILED',
      'name',
    ],
    ['a name of the wrong type', 'POST', '', { name: 7 }, 'REQUEST.VALIDATION_FAILED', 'name'],
    ['an unknown field', 'POST', '', { name: 'ok', private: true }, 'REQUEST.VALIDATION_FAILED', 'private'],
    ['broken JSON', 'POST', '', '{"name": ', 'REQUEST.MALFORMED_JSON', ''],
    ['a malformed circle id', 'GET', '/nope', undefined, 'REQUEST.VALIDATION_FAILED', 'circleId'],
    [
      'a malformed member id',
      'PUT',
      `/${randomUUID()}/members/nope`,
      undefined,
      'REQUEST.VALIDATION_FAILED',
      'accountId',
    ],
    [
      'a bad members limit',
      'GET',
      `/${randomUUID()}/members?limit=1000`,
      undefined,
      'REQUEST.VALIDATION_FAILED',
      'limit',
    ],
  ];
  it.each(bad)(
    'answers %s with a 400 and a stable code',
    async (_what, method, suffix, body, code, field) => {
      const res = await call(method, `/v1/graph/circles${suffix}`, ann.authHeader, body);
      expect(res.status).toBe(400);
      const answer = await json(res);
      expect(answer.error.code).toBe(code);
      if (field) expect(answer.error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
    },
  );
});
