import { status, type ServiceError } from '@grpc/grpc-js';
import { json, TestContext, type TestUser } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { randomUUID } from 'node:crypto';
import type { Client as PgClient } from 'pg';
import {
  grpcErrorCode,
  httpClient,
  socialGraphClient,
  sql,
  startSocialGraph,
  streamMessages,
  type RunningSocialGraph,
} from '../social-graph.test-app.js';

startTelemetry({ serviceName: 'social-graph' });

interface Page {
  memberIds: string[];
  ownerId: string;
}

describe('gRPC StreamCircleMembers on real PostgreSQL', () => {
  const ctx = TestContext.create('sg_circle_stream');
  let sg: RunningSocialGraph;
  let pg: PgClient;
  let call: ReturnType<typeof httpClient>;
  let client: ReturnType<typeof socialGraphClient>;
  let ann: TestUser, bob: TestUser, cat: TestUser;
  let friends: string, empty: string;
  let members: string[];

  const stream = (request: object, as = client) => streamMessages<Page>(as, 'streamCircleMembers', request);

  beforeAll(async () => {
    const identity = await ctx.startIdentity();
    sg = await startSocialGraph(ctx, identity.jwksUrl);
    pg = await sql(ctx, sg.schema);
    call = httpClient(sg.url);
    client = socialGraphClient(sg.grpcAddress, ctx.infra.pkiDir, 'notifications');
    ctx.onCleanup(async () => client.close());
    [ann, bob, cat] = await Promise.all([ctx.newUser(), ctx.newUser(), ctx.newUser()]);
    const circle = (name: string) => call('POST', '/v1/graph/circles', ann.authHeader, { name }).then(json);
    friends = (await circle('Friends')).id;
    empty = (await circle('Nobody yet')).id;
    const family = (await circle('Family')).id;
    // bob and cat join through the API; 2,500 more followers are set up in SQL (the API would
    // take minutes), as are 300 in another circle of ann's, which must not leak in.
    for (const fan of [bob, cat]) {
      expect((await call('POST', `/v1/graph/follows/${ann.id}`, fan.authHeader)).status).toBe(201);
      expect((await call('PUT', `/v1/graph/circles/${friends}/members/${fan.id}`, ann.authHeader)).status).toBe(201);
    }
    const bulk = async (circleId: string, n: number) => {
      const { rows } = await pg.query<{ id: string }>(
        `WITH fans AS (
           INSERT INTO follow (followee_id, follower_id) SELECT $1, gen_random_uuid() FROM generate_series(1, $3) RETURNING follower_id)
         INSERT INTO circle_member (circle_id, owner_id, member_id) SELECT $2, $1, follower_id FROM fans RETURNING member_id AS id`,
        [ann.id, circleId, n],
      );
      return rows.map((r) => r.id);
    };
    members = [...(await bulk(friends, 2500)), bob.id, cat.id].sort();
    await bulk(family, 300);
  });
  afterAll(() => ctx.cleanup());

  it('streams every member once, in id order, in pages of the asked size, each with the owner', async () => {
    const pages = await stream({ circleId: friends, pageSize: 1000 });
    expect(pages.map((p) => p.memberIds.length)).toEqual([1000, 1000, 502]);
    expect(pages.flatMap((p) => p.memberIds)).toEqual(members);
    expect(pages.map((p) => p.ownerId)).toEqual([ann.id, ann.id, ann.id]);
  });

  it('uses the default page size (5000) when none is asked', async () => {
    expect((await stream({ circleId: friends })).map((p) => p.memberIds.length)).toEqual([2502]);
  });

  it('resumes strictly after start_after, missing nobody and repeating nobody', async () => {
    const [first] = await stream({ circleId: friends, pageSize: 1000 });
    const rest = await stream({ circleId: friends, pageSize: 1000, startAfter: first.memberIds[999] });
    expect(rest.map((p) => p.memberIds.length)).toEqual([1000, 502]);
    expect([...first.memberIds, ...rest.flatMap((p) => p.memberIds)]).toEqual(members);
  });

  it('answers one empty page with the owner for a circle with no member (left)', async () => {
    expect(await stream({ circleId: empty, pageSize: 10 })).toEqual([{ memberIds: [], ownerId: ann.id }]);
    expect(await stream({ circleId: friends, startAfter: members[members.length - 1] })).toEqual([{ memberIds: [], ownerId: ann.id }]);
  });

  it('leaves out a member removed from the circle and one who unfollowed the owner', async () => {
    expect((await call('DELETE', `/v1/graph/circles/${friends}/members/${bob.id}`, ann.authHeader)).status).toBe(204);
    expect((await call('DELETE', `/v1/graph/follows/${ann.id}`, cat.authHeader)).status).toBe(204);
    const streamed = (await stream({ circleId: friends, pageSize: 700 })).flatMap((p) => p.memberIds);
    expect(streamed).toEqual(members.filter((id) => id !== bob.id && id !== cat.id));
    expect(streamed).toHaveLength(2500);
  });

  it('answers NOT_FOUND with SOCIAL_GRAPH.CIRCLE_NOT_FOUND for an unknown circle and a deleted one', async () => {
    expect((await call('DELETE', `/v1/graph/circles/${empty}`, ann.authHeader)).status).toBe(204);
    for (const circleId of [randomUUID(), empty]) {
      const err = (await stream({ circleId }).catch((e) => e)) as ServiceError;
      expect(err.code).toBe(status.NOT_FOUND);
      expect(grpcErrorCode(err)).toBe('SOCIAL_GRAPH.CIRCLE_NOT_FOUND');
    }
  });

  it.each([
    ['a malformed circle id', { circleId: 'not-a-uuid' }],
    ['a missing circle id', { pageSize: 10 }],
    ['a page size above 10000', { circleId: randomUUID(), pageSize: 10_001 }],
    ['a malformed start_after', { circleId: randomUUID(), startAfter: 'not-a-uuid' }],
  ])('refuses %s with INVALID_ARGUMENT and REQUEST.VALIDATION_FAILED', async (_what, request) => {
    const err = (await stream(request).catch((e) => e)) as ServiceError;
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(grpcErrorCode(err)).toBe('REQUEST.VALIDATION_FAILED');
  });

  it('refuses an OnAir service that is not among the allowed callers with PERMISSION_DENIED', async () => {
    const identity = socialGraphClient(sg.grpcAddress, ctx.infra.pkiDir, 'identity');
    try {
      const err = (await stream({ circleId: friends }, identity).catch((e) => e)) as ServiceError;
      expect(err.code).toBe(status.PERMISSION_DENIED);
      expect(grpcErrorCode(err)).toBe('AUTH.SERVICE_NOT_ALLOWED');
    } finally {
      identity.close();
    }
  });
});
