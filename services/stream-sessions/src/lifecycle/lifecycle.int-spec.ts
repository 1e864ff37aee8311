import { BroadcastEndedEvent, BroadcastEndReason, BroadcastWentLiveEvent, PublisherJoinedEvent } from '@onair/contracts';
import { EventCollector, json, TestContext, waitUntil, type TestUser } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import type { Client as PgClient } from 'pg';
import { FakeSfu, httpClient, newBroadcast, sql, startPlatform, startStreamSessions } from '../stream-sessions.test-app.js';

startTelemetry({ serviceName: 'stream-sessions' });

const GRACE_SECONDS = 2;

describe('lifecycle: the SFU drives live → ended, with auto-end after the publisher is gone', () => {
  const ctx = TestContext.create('ss_lifecycle');
  let call: ReturnType<typeof httpClient>;
  let pg: PgClient;
  let sfu: FakeSfu;
  let wentLive: EventCollector<typeof BroadcastWentLiveEvent.schema>;
  let ended: EventCollector<typeof BroadcastEndedEvent.schema>;
  let ann: TestUser, bob: TestUser;
  let platform: Awaited<ReturnType<typeof startPlatform>>;

  beforeAll(async () => {
    platform = await startPlatform(ctx, { PUBLISHER_GRACE_SECONDS: String(GRACE_SECONDS) });
    call = httpClient(platform.sessions.url);
    pg = await sql(ctx, platform.sessions.schema);
    sfu = await FakeSfu.connect(ctx);
    wentLive = await EventCollector.start(ctx, BroadcastWentLiveEvent);
    ended = await EventCollector.start(ctx, BroadcastEndedEvent);
    [ann, bob] = await Promise.all([ctx.newUser(), ctx.newUser()]);
  });
  afterAll(() => ctx.cleanup());

  const create = async () => json(await call('POST', '/v1/broadcasts', ann, newBroadcast({ topics: ['cooking'] })));
  const get = async (id: string) => json(await call('GET', `/v1/broadcasts/${id}`, ann));
  const waitForState = (id: string, state: string, ms = 20_000) =>
    waitUntil(async () => (await get(id)).state === state, ms, `broadcast ${id} ${state}`);
  const autoEndAt = async (id: string) =>
    (await pg.query('SELECT auto_end_at FROM broadcast WHERE id = $1', [id])).rows[0].auto_end_at as Date | null;

  it('goes live when the publisher joins and publishes broadcast.went_live.v1 with the node', async () => {
    const b = await create();
    await sfu.joined(b.id, 'node-a', ann.id);
    await waitForState(b.id, 'live');
    expect(await get(b.id)).toMatchObject({ state: 'live', startedAt: expect.any(String) });
    await waitUntil(() => wentLive.events.some((e) => e.message.broadcastId === b.id), 20_000, 'went_live');
    const event = wentLive.events.find((e) => e.message.broadcastId === b.id)!;
    expect(event.key).toBe(b.id);
    expect(event.message).toMatchObject({ sfuNodeId: 'node-a', info: { ownerId: ann.id, topics: ['cooking'] } });
    // A second join (e.g. a redelivery or a reconnect) publishes nothing more.
    await sfu.joined(b.id, 'node-a', ann.id);
    await new Promise((r) => setTimeout(r, 1000));
    expect(wentLive.events.filter((e) => e.message.broadcastId === b.id)).toHaveLength(1);
  });

  it('ends the broadcast (reason PUBLISHER_GONE) once the publisher has been gone for the grace period', async () => {
    const b = await create();
    await sfu.joined(b.id, 'node-a', ann.id);
    await waitForState(b.id, 'live');
    const leftAt = Date.now();
    await sfu.left(b.id, 'node-a', ann.id);
    // The deadline is a column (it survives a restart), not a timer in memory.
    await waitUntil(async () => (await autoEndAt(b.id)) !== null, 20_000, 'auto_end_at');
    expect((await get(b.id)).state).toBe('live');
    await waitForState(b.id, 'ended');
    expect(Date.now() - leftAt).toBeGreaterThanOrEqual(GRACE_SECONDS * 1000 - 200);
    expect(await get(b.id)).toMatchObject({ endReason: 'publisher_gone', stats: { viewersNow: 0 } });
    await waitUntil(() => ended.events.some((e) => e.message.broadcastId === b.id), 20_000, 'ended');
    const event = ended.events.find((e) => e.message.broadcastId === b.id)!;
    expect(event.message).toMatchObject({ ownerId: ann.id, reason: BroadcastEndReason.PUBLISHER_GONE });
  });

  it('cancels the auto-end when the publisher rejoins within the grace period, possibly on another node', async () => {
    const b = await create();
    await sfu.joined(b.id, 'node-a', ann.id);
    await waitForState(b.id, 'live');
    await sfu.left(b.id, 'node-a', ann.id);
    await waitUntil(async () => (await autoEndAt(b.id)) !== null, 20_000, 'auto_end_at');
    await sfu.joined(b.id, 'node-b', ann.id);
    await waitUntil(async () => (await autoEndAt(b.id)) === null, 20_000, 'the deadline cancelled');
    // A late leave from the node that no longer hosts the publisher changes nothing.
    await sfu.left(b.id, 'node-a', ann.id);
    await new Promise((r) => setTimeout(r, (GRACE_SECONDS + 1.5) * 1000));
    expect((await get(b.id)).state).toBe('live');
    expect(await autoEndAt(b.id)).toBeNull();
    const { rows } = await pg.query('SELECT sfu_node_id FROM broadcast WHERE id = $1', [b.id]);
    expect(rows[0].sfu_node_id).toBe('node-b');
    expect(ended.events.filter((e) => e.message.broadcastId === b.id)).toHaveLength(0);
  });

  it('lets the owner end a live broadcast; events for other broadcasts still flow past a bad one', async () => {
    // An unknown broadcast and a publisher who is not the owner go to the dead-letter topic.
    const dlq = await EventCollector.start(ctx, PublisherJoinedEvent, { topic: 'stream-sessions.media.dlq' });
    const unknown = '00000000-0000-4000-8000-000000000000';
    await sfu.joined(unknown, 'node-a', ann.id);
    const b = await create();
    await sfu.joined(b.id, 'node-a', bob.id);
    const dead = await dlq.waitFor(2);
    expect(dead.map((e) => [e.message.broadcastId, e.message.publisherId, e.headers['x-dlq-error-code']])).toEqual(
      expect.arrayContaining([
        [unknown, ann.id, 'STREAM_SESSIONS.UNKNOWN_BROADCAST'],
        [b.id, bob.id, 'STREAM_SESSIONS.NOT_OWNER'],
      ]),
    );
    expect(dead.every((e) => e.headers['x-dlq-source-topic'] === `${ctx.topicPrefix}${PublisherJoinedEvent.topic}`)).toBe(true);
    await sfu.joined(b.id, 'node-a', ann.id);
    await waitForState(b.id, 'live');
    expect((await call('POST', `/v1/broadcasts/${b.id}/end`, bob)).status).toBe(403);
    const res = await call('POST', `/v1/broadcasts/${b.id}/end`, ann);
    expect(await json(res)).toMatchObject({ state: 'ended', endReason: 'owner' });
    // The publisher's leave after the end is ignored.
    await sfu.left(b.id, 'node-a', ann.id);
    await waitUntil(() => ended.events.some((e) => e.message.broadcastId === b.id), 20_000, 'ended');
    await new Promise((r) => setTimeout(r, (GRACE_SECONDS + 1) * 1000));
    expect(ended.events.filter((e) => e.message.broadcastId === b.id)).toHaveLength(1);
    expect(ended.events.find((e) => e.message.broadcastId === b.id)!.message.reason).toBe(BroadcastEndReason.OWNER);
  });

  it('goes live while load and audience reports are held up: they are consumed apart from lifecycle events', async () => {
    const watched = await create();
    await sfu.joined(watched.id, 'node-a', ann.id);
    await waitForState(watched.id, 'live');
    const b = await create();
    // Another transaction holds the tables where node loads and audiences are written: their
    // consumers block (as behind a backlog or a slow database), the lifecycle must not.
    const locker = await sql(ctx, platform.sessions.schema);
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE sfu_node, broadcast_audience IN EXCLUSIVE MODE');
    try {
      await sfu.nodeLoad('node-held', 3, 100);
      await sfu.audience(watched.id, 'node-a', 7);
      // Both consumers' writes wait for the lock (a stats sweep may wait too: not counted). Asked
      // outside the locking transaction, which would see one snapshot of pg_stat_activity.
      const waiting = async () =>
        (
          await pg.query(
            `SELECT count(DISTINCT substring(query from 'INSERT INTO (sfu_node|broadcast_audience)'))::int AS n
               FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ~ '^\\s*INSERT INTO (sfu_node|broadcast_audience) '`,
          )
        ).rows[0].n;
      await waitUntil(async () => (await waiting()) === 2, 30_000, 'both report consumers to wait for the tables');
      await sfu.joined(b.id, 'node-a', ann.id);
      await waitForState(b.id, 'live');
    } finally {
      await locker.query('ROLLBACK');
    }
    // Nothing was lost: the held reports are applied once the tables are free.
    const applied = (query: string, params: unknown[]) => async () => (await pg.query(query, params)).rowCount === 1;
    await waitUntil(applied('SELECT 1 FROM broadcast_audience WHERE broadcast_id = $1 AND viewers = 7', [watched.id]), 20_000, 'the audience report');
    await waitUntil(applied('SELECT 1 FROM sfu_node WHERE node_id = $1', ['node-held']), 20_000, 'the node report');
  });

  it('keeps the auto-end deadline across a restart: the next instance ends the broadcast', async () => {
    const b = await create();
    await sfu.joined(b.id, 'node-a', ann.id);
    await waitForState(b.id, 'live');
    await sfu.left(b.id, 'node-a', ann.id);
    await waitUntil(async () => (await autoEndAt(b.id)) !== null, 20_000, 'auto_end_at');
    await platform.sessions.app.close();
    await new Promise((r) => setTimeout(r, (GRACE_SECONDS + 1) * 1000));
    // Nobody swept while the service was down.
    expect((await pg.query('SELECT state FROM broadcast WHERE id = $1', [b.id])).rows[0].state).toBe('live');
    const restarted = await startStreamSessions(
      ctx,
      { jwksUrl: platform.identity.jwksUrl, socialGraphGrpc: platform.graph.grpcAddress },
      { PUBLISHER_GRACE_SECONDS: String(GRACE_SECONDS) },
    );
    call = httpClient(restarted.url);
    await waitForState(b.id, 'ended');
    expect(await get(b.id)).toMatchObject({ endReason: 'publisher_gone' });
    await waitUntil(() => ended.events.some((e) => e.message.broadcastId === b.id), 20_000, 'ended');
  });
});
