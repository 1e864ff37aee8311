import { BroadcastCreatedEvent, BroadcastEndedEvent, BroadcastEndReason, LocationPrecision } from '@onair/contracts';
import { EventCollector, json, TestContext, type TestUser } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import type { Client as PgClient } from 'pg';
import { httpClient, newBroadcast, sql, startPlatform } from '../stream-sessions.test-app.js';

startTelemetry({ serviceName: 'stream-sessions' });

describe('broadcasts: create, read, list and end', () => {
  const ctx = TestContext.create('ss_broadcasts');
  let call: ReturnType<typeof httpClient>;
  let graph: ReturnType<typeof httpClient>;
  let pg: PgClient;
  let created: EventCollector<typeof BroadcastCreatedEvent.schema>;
  let ended: EventCollector<typeof BroadcastEndedEvent.schema>;
  let ann: TestUser, bob: TestUser;

  beforeAll(async () => {
    const platform = await startPlatform(ctx);
    call = httpClient(platform.sessions.url);
    graph = httpClient(platform.graph.url);
    pg = await sql(ctx, platform.sessions.schema);
    created = await EventCollector.start(ctx, BroadcastCreatedEvent);
    ended = await EventCollector.start(ctx, BroadcastEndedEvent);
    [ann, bob] = await Promise.all([ctx.newUser(), ctx.newUser()]);
  });
  afterAll(() => ctx.cleanup());

  it('creates a broadcast in state created, rounds the location server-side and publishes broadcast.created.v1', async () => {
    const res = await call('POST', '/v1/broadcasts', ann, newBroadcast({
      title: '  Live from Berlin  ',
      topics: ['Music', 'music', 'berlin'],
      language: 'de-DE',
      location: { latitude: 52.520008, longitude: 13.404954, precision: 'city' },
    }));
    expect(res.status).toBe(201);
    const b = await json(res);
    expect(b).toMatchObject({
      ownerId: ann.id,
      title: 'Live from Berlin',
      topics: ['music', 'berlin'],
      language: 'de-DE',
      location: { latitude: 52.5, longitude: 13.4, precision: 'city' },
      visibility: 'public',
      state: 'created',
      stats: { viewersNow: 0, viewersPeak: 0, heartsTotal: 0 },
    });
    // The exact position is stored nowhere.
    const { rows } = await pg.query('SELECT latitude, longitude FROM broadcast WHERE id = $1', [b.id]);
    expect(rows[0]).toEqual({ latitude: 52.5, longitude: 13.4 });

    const [event] = (await created.waitFor(1)).filter((e) => e.message.broadcastId === b.id);
    expect(event.key).toBe(b.id);
    expect(event.message.info).toMatchObject({
      ownerId: ann.id,
      title: 'Live from Berlin',
      location: { latitude: 52.5, longitude: 13.4, precision: LocationPrecision.CITY },
      visibility: { audience: { case: 'public', value: true } },
    });
  });

  it('leaves the location out unless the broadcaster opts in, and rounds per precision', async () => {
    const none = await json(await call('POST', '/v1/broadcasts', ann, newBroadcast()));
    expect(none.location).toBeNull();
    const near = await json(await call('POST', '/v1/broadcasts', ann, newBroadcast({
      location: { latitude: -33.868819, longitude: 151.209295, precision: 'neighbourhood' },
    })));
    expect(near.location).toEqual({ latitude: -33.87, longitude: 151.21, precision: 'neighbourhood' });
    const region = await json(await call('POST', '/v1/broadcasts', ann, newBroadcast({
      location: { latitude: -33.868819, longitude: 151.209295, precision: 'region' },
    })));
    expect(region.location).toEqual({ latitude: -34, longitude: 151, precision: 'region' });
  });

  it('refuses bad input with 400 and names the fields', async () => {
    const cases: Array<[unknown, string]> = [
      [newBroadcast({ title: '' }), 'title'],
      [newBroadcast({ title: 'x'.repeat(141) }), 'title'],
      [newBroadcast({ language: 'english!' }), 'language'],
      [newBroadcast({ visibility: 'friends' }), 'visibility'],
      [newBroadcast({ visibility: 'circle:not-a-uuid' }), 'visibility'],
      // 8-4-4-4-12 hex but no UUID version: social-graph refuses it, so it must not get that far.
      [newBroadcast({ visibility: 'circle:aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa' }), 'visibility'],
      [newBroadcast({ topics: ['a b'] }), 'topics.0'],
      [newBroadcast({ topics: ['a', 'b', 'c', 'd', 'e', 'f'] }), 'topics'],
      [newBroadcast({ location: { latitude: 91, longitude: 0, precision: 'city' } }), 'location.latitude'],
      [newBroadcast({ location: { latitude: 1, longitude: 2 } }), 'location.precision'],
      [newBroadcast({ location: { latitude: 1, longitude: 2, precision: 'exact' } }), 'location.precision'],
      [newBroadcast({ state: 'live' }), 'state'],
    ];
    for (const [body, field] of cases) {
      const res = await call('POST', '/v1/broadcasts', ann, body);
      expect(res.status).toBe(400);
      const err = (await json(res)).error;
      expect(err.code).toBe('REQUEST.VALIDATION_FAILED');
      expect(err.details.fields.map((f: { field: string }) => f.field)).toContain(field);
    }
    const circle = await call('POST', '/v1/broadcasts', ann, newBroadcast({ visibility: 'circle:00000000-0000-4000-8000-000000000000' }));
    expect(circle.status).toBe(400);
    expect((await json(circle)).error.code).toBe('STREAM_SESSIONS.CIRCLE_NOT_FOUND');
    expect((await call('POST', '/v1/broadcasts', undefined, newBroadcast())).status).toBe(401);
  });

  it('answers one broadcast to whoever may watch it, and 404 with a code for an unknown one', async () => {
    const pub = await json(await call('POST', '/v1/broadcasts', ann, newBroadcast()));
    expect(await json(await call('GET', `/v1/broadcasts/${pub.id}`, bob))).toMatchObject({ id: pub.id, ownerId: ann.id });
    const priv = await json(await call('POST', '/v1/broadcasts', ann, newBroadcast({ visibility: 'followers' })));
    const refused = await call('GET', `/v1/broadcasts/${priv.id}`, bob);
    expect(refused.status).toBe(403);
    expect((await json(refused)).error.code).toBe('STREAM_SESSIONS.NOT_ADMITTED');
    expect((await graph('POST', `/v1/graph/follows/${ann.id}`, bob)).status).toBe(201);
    expect((await call('GET', `/v1/broadcasts/${priv.id}`, bob)).status).toBe(200);
    const missing = await call('GET', '/v1/broadcasts/00000000-0000-4000-8000-000000000000', bob);
    expect(missing.status).toBe(404);
    expect((await json(missing)).error.code).toBe('STREAM_SESSIONS.BROADCAST_NOT_FOUND');
  });

  it("lists the caller's own broadcasts, newest first, page by page", async () => {
    const mine = await json(await call('GET', '/v1/broadcasts/mine?limit=100', ann));
    expect(mine.items.length).toBeGreaterThanOrEqual(5);
    expect(mine.items.every((b: { ownerId: string }) => b.ownerId === ann.id)).toBe(true);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Array<{ id: string }>; nextCursor: string | null } = await json(
        await call('GET', `/v1/broadcasts/mine?limit=2${cursor ? `&cursor=${cursor}` : ''}`, ann),
      );
      seen.push(...page.items.map((b) => b.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(mine.items.map((b: { id: string }) => b.id));
    expect(await json(await call('GET', '/v1/broadcasts/mine', bob))).toEqual({ items: [], nextCursor: null });
    const bad = await call('GET', '/v1/broadcasts/mine?cursor=bm9wZQ', ann);
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.code).toBe('STREAM_SESSIONS.INVALID_CURSOR');
    // Well-formed but out of range: past bigint, and past PostgreSQL's timestamps.
    const id = mine.items[0].id;
    for (const micros of ['9999999999999999999', '9223372036854775807', '999999999999999999']) {
      const res = await call('GET', `/v1/broadcasts/mine?cursor=${Buffer.from(`${micros}|${id}`).toString('base64url')}`, ann);
      expect({ micros, status: res.status, code: (await json(res)).error?.code }).toEqual({ micros, status: 400, code: 'STREAM_SESSIONS.INVALID_CURSOR' });
    }
  });

  it('lets only the owner end a broadcast; ending is idempotent and publishes broadcast.ended.v1 once (reason OWNER)', async () => {
    const b = await json(await call('POST', '/v1/broadcasts', ann, newBroadcast()));
    const stranger = await call('POST', `/v1/broadcasts/${b.id}/end`, bob);
    expect(stranger.status).toBe(403);
    expect((await json(stranger)).error.code).toBe('STREAM_SESSIONS.NOT_OWNER');
    const res = await call('POST', `/v1/broadcasts/${b.id}/end`, ann);
    expect(res.status).toBe(200);
    const view = await json(res);
    expect(view).toMatchObject({ state: 'ended', endReason: 'owner', endedAt: expect.any(String) });
    // Replays (if any) last exactly 24 h from the end.
    expect(new Date(view.replayExpiresAt).getTime() - new Date(view.endedAt).getTime()).toBe(24 * 3_600_000);
    expect(await json(await call('POST', `/v1/broadcasts/${b.id}/end`, ann))).toMatchObject({ state: 'ended', endedAt: view.endedAt });
    await ended.waitFor(1);
    await new Promise((r) => setTimeout(r, 1000));
    const mine = ended.events.filter((e) => e.message.broadcastId === b.id);
    expect(mine).toHaveLength(1);
    expect(mine[0].message).toMatchObject({ ownerId: ann.id, reason: BroadcastEndReason.OWNER });
  });
});
