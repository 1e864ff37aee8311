import { status, type ServiceError } from '@grpc/grpc-js';
import { CircleNotFoundError, SocialGraphClient } from '@onair/social-graph-client';
import { freePort, TestContext } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client as PgClient } from 'pg';
import { defaultProtoDir } from '../config.js';
import { sql, startSocialGraph, tlsFiles, UNUSED_JWKS_URL, type RunningSocialGraph } from '../social-graph.test-app.js';

startTelemetry({ serviceName: 'social-graph' });

/** What a caller's own "social-graph cannot answer now" error is, here. */
class Unavailable extends Error {}

// libs/social-graph-client's streams against the real service, as notifications uses them.
describe('libs/social-graph-client: followers and circle members as async generators', () => {
  const ctx = TestContext.create('sg_client');
  let sg: RunningSocialGraph;
  let pg: PgClient;
  const star = randomUUID();
  const circleId = randomUUID();
  let followers: string[];
  let members: string[];

  const newClient = (timeoutMs = 5000, address = sg.grpcAddress) => {
    const files = tlsFiles(ctx.infra.pkiDir, 'notifications');
    const client = new SocialGraphClient({
      address,
      protoDir: defaultProtoDir(__dirname),
      timeoutMs,
      tls: { caFile: files.INTERNAL_TLS_CA, certFile: files.INTERNAL_TLS_CERT, keyFile: files.INTERNAL_TLS_KEY },
      unavailable: () => new Unavailable('social-graph is unavailable'),
    });
    ctx.onCleanup(async () => client.close());
    return client;
  };
  const collect = async <T>(pages: AsyncIterable<T>) => {
    const out: T[] = [];
    for await (const page of pages) out.push(page);
    return out;
  };

  beforeAll(async () => {
    sg = await startSocialGraph(ctx, UNUSED_JWKS_URL);
    pg = await sql(ctx, sg.schema);
    const { rows } = await pg.query<{ id: string }>(
      `INSERT INTO follow (followee_id, follower_id) SELECT $1, gen_random_uuid() FROM generate_series(1, 2500) RETURNING follower_id AS id`,
      [star],
    );
    followers = rows.map((r) => r.id).sort();
    await pg.query(`INSERT INTO circle (id, owner_id, name) VALUES ($1, $2, 'Friends')`, [circleId, star]);
    members = followers.filter((_, i) => i % 20 === 0);
    await pg.query(
      `INSERT INTO circle_member (circle_id, owner_id, member_id) SELECT $1, $2, unnest($3::uuid[])`,
      [circleId, star, members],
    );
  });
  afterAll(() => ctx.cleanup());

  it('walks 1,000 of 2,500 followers, stops, and resumes after the last one handled with no gap and no duplicate', async () => {
    const client = newClient();
    const handled: string[] = [];
    for await (const page of client.followers(star, { pageSize: 250 })) {
      handled.push(...page);
      if (handled.length === 1000) break; // the fan-out stops here (e.g. its pod is stopped)
    }
    const resumed = (await collect(client.followers(star, { pageSize: 1000, startAfter: handled[999] }))).flat();
    expect(resumed).toHaveLength(1500);
    expect([...handled, ...resumed]).toEqual(followers);
    // Leaving the loop cancelled that call; the channel goes on serving.
    expect((await collect(client.followers(star))).map((p) => p.length)).toEqual([2500]);
  });

  it('yields the members of a circle with its owner on every page, and resumes after a member', async () => {
    const client = newClient();
    const pages = await collect(client.circleMembers(circleId, { pageSize: 50 }));
    expect(pages.map((p) => p.memberIds.length)).toEqual([50, 50, 25]);
    expect(pages.every((p) => p.ownerId === star)).toBe(true);
    expect(pages.flatMap((p) => p.memberIds)).toEqual(members);
    const rest = await collect(client.circleMembers(circleId, { startAfter: members[99] }));
    expect(rest).toEqual([{ ownerId: star, memberIds: members.slice(100) }]);
  });

  it('throws CircleNotFoundError, before any page, for a circle that does not exist', async () => {
    const client = newClient();
    const pages: unknown[] = [];
    const missing = randomUUID();
    const err = await (async () => {
      for await (const page of client.circleMembers(missing)) pages.push(page);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CircleNotFoundError);
    expect(err).toMatchObject({ code: 'SOCIAL_GRAPH.CIRCLE_NOT_FOUND', circleId: missing });
    expect(pages).toEqual([]);
  });

  it('passes INVALID_ARGUMENT through for a malformed start', async () => {
    const err = (await collect(newClient().followers(star, { startAfter: 'not-a-uuid' })).catch((e) => e)) as ServiceError;
    expect(err.code).toBe(status.INVALID_ARGUMENT);
  });

  it('times each page, not the walk: a caller slower than the deadline still reads every page', async () => {
    // A deadline a loaded CI machine's page meets (300 ms was missed there once); the walk of
    // two pages takes over twice as long.
    const client = newClient(1500);
    const started = Date.now();
    const handled: string[] = [];
    for await (const page of client.followers(star, { pageSize: 1250 })) {
      handled.push(...page);
      await sleep(1600);
    }
    expect(Date.now() - started).toBeGreaterThan(2 * 1600);
    expect(handled).toEqual(followers);
  });

  it("fails with the caller's unavailable error when a page does not come within the deadline", async () => {
    // A real stall: the page's query waits behind a lock on the table.
    const locker = await sql(ctx, sg.schema);
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE follow IN ACCESS EXCLUSIVE MODE');
    try {
      const started = Date.now();
      await expect(collect(newClient(300).followers(star))).rejects.toBeInstanceOf(Unavailable);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await locker.query('ROLLBACK');
    }
    expect((await collect(newClient().followers(star))).flat()).toEqual(followers);
  });

  it("fails with the caller's unavailable error when nothing answers", async () => {
    const client = newClient(500, `127.0.0.1:${await freePort()}`);
    await expect(collect(client.followers(star))).rejects.toBeInstanceOf(Unavailable);
    await expect(collect(client.circleMembers(circleId))).rejects.toBeInstanceOf(Unavailable);
  });
});
