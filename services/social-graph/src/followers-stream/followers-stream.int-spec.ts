import { status, type ServiceError } from '@grpc/grpc-js';
import { TestContext } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { randomUUID } from 'node:crypto';
import type { Client as PgClient } from 'pg';
import {
  grpcErrorCode,
  socialGraphClient,
  sql,
  startSocialGraph,
  streamAll,
  UNUSED_JWKS_URL,
  type RunningSocialGraph,
} from '../social-graph.test-app.js';

startTelemetry({ serviceName: 'social-graph' });

describe('gRPC StreamFollowers on real PostgreSQL', () => {
  const ctx = TestContext.create('sg_stream');
  let sg: RunningSocialGraph;
  let pg: PgClient;
  let client: ReturnType<typeof socialGraphClient>;
  const star = randomUUID();
  const other = randomUUID();
  const followers: string[] = [];

  beforeAll(async () => {
    sg = await startSocialGraph(ctx, UNUSED_JWKS_URL);
    pg = await sql(ctx, sg.schema);
    client = socialGraphClient(sg.grpcAddress, ctx.infra.pkiDir);
    ctx.onCleanup(async () => client.close());
    // 12,345 followers of `star` (set up in SQL: through the API this would take minutes),
    // plus followers of another account around them in the index, which must not leak in.
    const { rows } = await pg.query<{ id: string }>(
      `INSERT INTO follow (followee_id, follower_id) SELECT $1, gen_random_uuid() FROM generate_series(1, 12345) RETURNING follower_id AS id`,
      [star],
    );
    followers.push(...rows.map((r) => r.id).sort());
    await pg.query(
      `INSERT INTO follow (followee_id, follower_id) SELECT $1, gen_random_uuid() FROM generate_series(1, 500)`,
      [other],
    );
  });
  afterAll(() => ctx.cleanup());

  it('streams every follower exactly once, in id order, in pages of the asked size', async () => {
    const pages = await streamAll(client, { accountId: star, pageSize: 1000 });
    expect(pages.map((p) => p.length)).toEqual([...Array(12).fill(1000), 345]);
    const streamed = pages.flat();
    expect(streamed).toEqual(followers);
    expect(new Set(streamed).size).toBe(12345);
  });

  it('uses the default page size (5000) when none is asked', async () => {
    const pages = await streamAll(client, { accountId: star });
    expect(pages.map((p) => p.length)).toEqual([5000, 5000, 2345]);
  });

  it('ends a page exactly at the last follower without an empty page after it', async () => {
    const pages = await streamAll(client, { accountId: other, pageSize: 250 });
    expect(pages.map((p) => p.length)).toEqual([250, 250]);
  });

  it('resumes strictly after start_after: a walk stopped after 1,000 and resumed misses nobody and repeats nobody', async () => {
    const call = client.streamFollowers({ accountId: star, pageSize: 250 }) as NodeJS.ReadableStream & { cancel(): void };
    const before: string[] = [];
    const stopped = new Promise<ServiceError>((resolve) => {
      call.on('data', (page: { followerIds: string[] }) => {
        // A fan-out that crashed after its fourth page: the rest of the stream is never read.
        if (before.length < 1000) before.push(...page.followerIds);
        if (before.length === 1000) call.cancel();
      });
      call.on('error', resolve);
    });
    expect((await stopped).code).toBe(status.CANCELLED);
    expect(before).toEqual(followers.slice(0, 1000));

    const after = (await streamAll(client, { accountId: star, pageSize: 1000, startAfter: before[999] })).flat();
    expect(after).toEqual(followers.slice(1000));
    expect([...before, ...after]).toEqual(followers);
  });

  it('starts after an id that is no follower at its place in the order, and takes it in capitals', async () => {
    // Next to followers[4999] in the order, but nobody's id.
    const between = followers[4999].replace(/.$/, (c) => (c === 'f' ? 'e' : 'f'));
    expect(followers).not.toContain(between);
    const expected = followers.filter((id) => id > between);
    expect(expected.length).toBeGreaterThan(7000);
    expect((await streamAll(client, { accountId: star, startAfter: between })).flat()).toEqual(expected);
    expect((await streamAll(client, { accountId: star, startAfter: between.toUpperCase() })).flat()).toEqual(expected);
    expect(await streamAll(client, { accountId: star, startAfter: followers[followers.length - 1] })).toEqual([]);
  });

  it('streams nothing for an account without followers', async () => {
    expect(await streamAll(client, { accountId: randomUUID(), pageSize: 10 })).toEqual([]);
  });

  it.each([
    ['a malformed account id', { accountId: 'not-a-uuid', pageSize: 10 }],
    ['a missing account id', { pageSize: 10 }],
    ['a page size above 10000', { accountId: randomUUID(), pageSize: 10_001 }],
    ['a malformed start_after', { accountId: randomUUID(), pageSize: 10, startAfter: 'not-a-uuid' }],
  ])('refuses %s with INVALID_ARGUMENT and REQUEST.VALIDATION_FAILED', async (_what, request) => {
    const err = (await streamAll(client, request).catch((e) => e)) as ServiceError;
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(grpcErrorCode(err)).toBe('REQUEST.VALIDATION_FAILED');
  });

  it('stops reading when the client cancels, and keeps serving others', async () => {
    const call = client.streamFollowers({ accountId: star, pageSize: 100 }) as NodeJS.ReadableStream & {
      cancel(): void;
    };
    let pages = 0;
    const ended = new Promise<ServiceError>((resolve) => {
      call.on('data', () => {
        if (++pages === 2) call.cancel();
      });
      call.on('error', resolve);
    });
    expect((await ended).code).toBe(status.CANCELLED);
    expect(pages).toBeLessThan(124);
    expect((await streamAll(client, { accountId: other, pageSize: 500 })).flat()).toHaveLength(500);
  });
});
