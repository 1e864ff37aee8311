import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { AccountDeletedEvent, AccountDeletedSchema } from '@onair/contracts';
import { createIdempotentProducer, encodeEvent, headersToStrings } from '@onair/kafka';
import { json, TestContext, waitUntil, type RunningIdentity, type TestUser } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { randomUUID } from 'node:crypto';
import type { Client as PgClient } from 'pg';
import { httpClient, sql, startSocialGraph, type RunningSocialGraph } from '../social-graph.test-app.js';
import { ACCOUNT_DELETION_GROUP } from './account-deleted.consumer.js';

startTelemetry({ serviceName: 'social-graph' });

// Every table that holds account ids, and the columns that do.
const ACCOUNT_COLUMNS: Array<[string, string]> = [
  ['follow', 'follower_id'],
  ['follow', 'followee_id'],
  ['follow_count', 'account_id'],
  ['block', 'blocker_id'],
  ['block', 'blocked_id'],
  ['circle', 'owner_id'],
  ['circle_member', 'owner_id'],
  ['circle_member', 'member_id'],
];

describe('account.deleted.v1: social-graph forgets the account', () => {
  const ctx = TestContext.create('sg_deletion');
  let identity: RunningIdentity;
  let sg: RunningSocialGraph;
  let call: ReturnType<typeof httpClient>;
  let pg: PgClient;
  let ann: TestUser, bob: TestUser, cat: TestUser, dan: TestUser;

  beforeAll(async () => {
    identity = await ctx.startIdentity();
    sg = await startSocialGraph(ctx, identity.jwksUrl);
    call = httpClient(sg.url);
    pg = await sql(ctx, sg.schema);
    [ann, bob, cat, dan] = await Promise.all([ctx.newUser(), ctx.newUser(), ctx.newUser(), ctx.newUser()]);
  });
  afterAll(() => ctx.cleanup());

  const rowsAbout = async (id: string) => {
    const counts: Record<string, number> = {};
    for (const [table, column] of ACCOUNT_COLUMNS) {
      counts[`${table}.${column}`] = (
        await pg.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${column} = $1`, [id])
      ).rows[0].n;
    }
    return counts;
  };
  const purged = (id: string) => async () =>
    (await pg.query('SELECT 1 FROM deleted_account WHERE account_id = $1', [id])).rowCount === 1;
  const counts = async (of: TestUser) =>
    json(await call('GET', `/v1/graph/accounts/${of.id}/counts`, cat.authHeader));

  async function publish(message: { accountId: string }, eventId = randomUUID()) {
    const producer = createIdempotentProducer(ctx.kafka());
    await producer.connect();
    const event = create(AccountDeletedSchema, { ...message, deletedAt: timestampFromDate(new Date()) });
    const record = encodeEvent(AccountDeletedEvent, event, { id: eventId, source: 'test', time: new Date() });
    await producer.send({ topic: ctx.topicPrefix + AccountDeletedEvent.topic, messages: [record] });
    await producer.disconnect();
  }

  it('purges follows, blocks, circles and memberships both ways when identity deletes the account', async () => {
    const as = (u: TestUser) => u.authHeader;
    await call('POST', `/v1/graph/follows/${bob.id}`, as(ann));
    await call('POST', `/v1/graph/follows/${ann.id}`, as(bob));
    await call('POST', `/v1/graph/follows/${ann.id}`, as(cat));
    await call('PUT', `/v1/graph/blocks/${dan.id}`, as(ann));
    await call('PUT', `/v1/graph/blocks/${ann.id}`, as(dan));
    const annsCircle = await json(await call('POST', '/v1/graph/circles', as(ann), { name: 'inner' }));
    await call('PUT', `/v1/graph/circles/${annsCircle.id}/members/${cat.id}`, as(ann));
    const bobsCircle = await json(await call('POST', '/v1/graph/circles', as(bob), { name: 'inner' }));
    expect((await call('PUT', `/v1/graph/circles/${bobsCircle.id}/members/${ann.id}`, as(bob))).status).toBe(
      201,
    );
    expect(Object.values(await rowsAbout(ann.id)).every((n) => n > 0)).toBe(true);

    // The real identity deletes the account and publishes account.deleted.v1 through its outbox.
    const deletion = await fetch(`${identity.url}/v1/accounts/me`, {
      method: 'DELETE',
      headers: { ...ann.authHeader, 'content-type': 'application/json' },
      body: JSON.stringify({ password: ann.password }),
    });
    expect(deletion.status).toBe(204);
    await waitUntil(purged(ann.id), 30_000, 'the purge of the deleted account');

    expect(Object.values(await rowsAbout(ann.id)).every((n) => n === 0)).toBe(true);
    expect(await counts(bob)).toMatchObject({ followers: 0, following: 0 });
    expect(await counts(cat)).toMatchObject({ followers: 0, following: 0 });
    expect((await json(await call('GET', `/v1/graph/circles/${bobsCircle.id}`, as(bob)))).memberCount).toBe(
      0,
    );
    expect(await json(await call('GET', `/v1/graph/accounts/${ann.id}/followers`, as(cat)))).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it('refuses anything new that would point at a deleted account, even with a token not revoked yet', async () => {
    // Identity revoked ann's sessions with her account: her token is refused outright.
    const own = await call('POST', `/v1/graph/follows/${cat.id}`, ann.authHeader);
    expect({ status: own.status, code: (await json(own)).error.code }).toEqual({ status: 401, code: 'AUTH.TOKEN_REVOKED' });
    // eve's account.deleted.v1 reaches social-graph first (published here as identity would),
    // while her token still verifies: social-graph's own guard answers.
    const eve = await ctx.newUser();
    await publish({ accountId: eve.id });
    await waitUntil(async () => (await call('POST', '/v1/graph/circles', eve.authHeader, { name: 'ghost' })).status === 410, 30_000, "eve's deletion");
    for (const res of [
      await call('POST', `/v1/graph/follows/${ann.id}`, cat.authHeader),
      await call('PUT', `/v1/graph/blocks/${ann.id}`, cat.authHeader),
      await call('POST', `/v1/graph/follows/${cat.id}`, eve.authHeader),
      await call('POST', '/v1/graph/circles', eve.authHeader, { name: 'ghost' }),
    ]) {
      expect(res.status).toBe(410);
      expect((await json(res)).error.code).toBe('SOCIAL_GRAPH.ACCOUNT_DELETED');
    }
    // Undoing is still fine: there is nothing to undo.
    expect((await call('DELETE', `/v1/graph/follows/${ann.id}`, cat.authHeader)).status).toBe(204);
  });

  it('applies a redelivered or repeated deletion once in effect, and moves on', async () => {
    const zed = randomUUID();
    await pg.query('INSERT INTO follow (followee_id, follower_id) VALUES ($1, $2), ($2, $1)', [zed, bob.id]);
    await pg.query(
      'UPDATE follow_count SET followers = followers + 1, following = following + 1 WHERE account_id = $1',
      [bob.id],
    );
    const eventId = randomUUID();
    await publish({ accountId: ann.id }); // a second deletion event for an account already purged
    await publish({ accountId: zed }, eventId);
    await publish({ accountId: zed }, eventId); // the same event delivered twice
    await waitUntil(purged(zed), 30_000, 'the purge of the second account');
    expect(Object.values(await rowsAbout(zed)).every((n) => n === 0)).toBe(true);
    expect(await counts(bob)).toMatchObject({ followers: 0, following: 0 });
    const { rows } = await pg.query(
      'SELECT count(*)::int AS n FROM processed_event WHERE consumer_group = $1 AND event_id = $2',
      [ACCOUNT_DELETION_GROUP, eventId],
    );
    expect(rows[0].n).toBe(1);
  });

  it('sends an event with a malformed account id to the dead-letter topic with its code', async () => {
    await publish({ accountId: 'not-a-uuid' });
    const consumer = ctx
      .kafka()
      .consumer({ groupId: `${ctx.topicPrefix}dlq-reader-${randomUUID()}`, maxWaitTimeInMs: 200 });
    const letters: Array<Record<string, string>> = [];
    await consumer.connect();
    await consumer.subscribe({
      topic: `${ctx.topicPrefix}${ACCOUNT_DELETION_GROUP}.dlq`,
      fromBeginning: true,
    });
    await consumer.run({
      eachMessage: async ({ message }) => void letters.push(headersToStrings(message.headers)),
    });
    try {
      await waitUntil(() => letters.length > 0, 30_000, 'a dead letter');
    } finally {
      await consumer.disconnect();
    }
    expect(letters[0]).toMatchObject({
      ce_type: 'account.deleted.v1',
      'x-dlq-error-code': 'SOCIAL_GRAPH.MALFORMED_EVENT',
    });
  });
});
