import { timestampDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import { credentials, status, type ChannelCredentials, type ServiceError } from '@grpc/grpc-js';
import { BroadcastWentLiveEvent, DiscoverableBroadcastState as State, LocationPrecision, type DiscoverableBroadcast } from '@onair/contracts';
import { ServiceTls } from '@onair/service-tls';
import { EventCollector, json, rogueServiceTlsFiles, TestContext, waitUntil, type TestUser } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client as PgClient } from 'pg';
import { FakeSfu, grpcErrorCode, httpClient, newBroadcast, sql, startPlatform, StreamSessionsGrpcClient } from '../stream-sessions.test-app.js';

startTelemetry({ serviceName: 'stream-sessions' });

const minutesFromNow = (n: number) => new Date(Date.now() + n * 60_000);
const millis = (t: Timestamp | undefined) => (t ? timestampDate(t).getTime() : undefined);

interface Seed {
  state: 'created' | 'live' | 'ended' | 'replay_ready' | 'expired';
  startedAt?: Date;
  endedAt?: Date;
  replayExpiresAt?: Date;
  viewers?: [now: number, peak: number];
  hearts?: string;
  circleId?: string;
}
const LIVE: Seed = { state: 'live', startedAt: minutesFromNow(-30) };
const ENDED: Seed = { state: 'ended', startedAt: minutesFromNow(-90), endedAt: minutesFromNow(-30), replayExpiresAt: minutesFromNow(24 * 60 - 30) };
const REPLAY: Seed = { ...ENDED, state: 'replay_ready' };

describe('gRPC StreamDiscoverableBroadcasts on real PostgreSQL and Kafka', () => {
  const ctx = TestContext.create('ss_discoverable');
  let grpcAddress: string;
  let pg: PgClient;
  let discovery: StreamSessionsGrpcClient;
  let call: ReturnType<typeof httpClient>;
  let sfu: FakeSfu;
  let wentLive: EventCollector<typeof BroadcastWentLiveEvent.schema>;
  let ann: TestUser;

  beforeAll(async () => {
    // Sweepers every minute: a row past its replay lifetime must be left out by the reader
    // itself, not because the expiry sweeper happened to run first.
    const { sessions } = await startPlatform(ctx, { SWEEP_INTERVAL_MS: '60000' });
    grpcAddress = sessions.grpcAddress;
    pg = await sql(ctx, sessions.schema);
    call = httpClient(sessions.url);
    discovery = StreamSessionsGrpcClient.as(grpcAddress, ctx);
    ctx.onCleanup(async () => discovery.close());
    sfu = await FakeSfu.connect(ctx);
    wentLive = await EventCollector.start(ctx, BroadcastWentLiveEvent);
    ann = await ctx.newUser();
  });
  beforeEach(() => pg.query('TRUNCATE broadcast CASCADE'));
  afterAll(() => ctx.cleanup());

  /** A broadcast row as the lifecycle leaves it (set up in SQL: some states take a day to reach through the API). */
  async function seed(s: Seed): Promise<string> {
    const id = randomUUID();
    await pg.query(
      `INSERT INTO broadcast (id, owner_id, title, topics, language, visibility, circle_id, state, started_at, ended_at, end_reason,
                              replay_expires_at, expired_at, viewers_now, viewers_peak, hearts_total)
       VALUES ($1, $2, 'seeded', '{news}', 'en', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        id, ann.id, s.circleId ? 'circle' : 'public', s.circleId ?? null, s.state, s.startedAt ?? null, s.endedAt ?? null,
        s.endedAt ? 'owner' : null, s.replayExpiresAt ?? null, s.state === 'expired' ? s.replayExpiresAt : null,
        s.viewers?.[0] ?? 0, s.viewers?.[1] ?? 0, s.hearts ?? '0',
      ],
    );
    return id;
  }
  const streamed = async (pageSize = 0) => new Map((await discovery.pages({ pageSize })).flat().map((b) => [b.info!.broadcastId, b]));

  it('streams every discoverable broadcast exactly once, in id order, in pages of the asked size', async () => {
    const { rows } = await pg.query<{ id: string }>(
      `INSERT INTO broadcast (id, owner_id, title, topics, language, visibility, state, started_at)
       SELECT gen_random_uuid(), $1, 'live ' || i, '{}', 'en', 'public', 'live', now() FROM generate_series(1, 2345) i RETURNING id`,
      [ann.id],
    );
    const ids = rows.map((r) => r.id).sort();
    // Broadcasts discovery may not show, between them in the id order.
    await pg.query(
      `INSERT INTO broadcast (id, owner_id, title, topics, language, visibility, state, started_at, ended_at, end_reason, replay_expires_at, expired_at)
       SELECT gen_random_uuid(), $1, 'not shown', '{}', 'en', 'public', s,
              CASE WHEN s = 'expired' THEN now() - interval '3 days' END, CASE WHEN s = 'expired' THEN now() - interval '2 days' END,
              CASE WHEN s = 'expired' THEN 'owner' END, CASE WHEN s = 'expired' THEN now() - interval '1 day' END,
              CASE WHEN s = 'expired' THEN now() - interval '1 day' END
         FROM generate_series(1, 300), unnest(ARRAY['created', 'expired']) s`,
      [ann.id],
    );
    const pages = await discovery.pages({ pageSize: 1000 });
    expect(pages.map((p) => p.length)).toEqual([1000, 1000, 345]);
    expect(pages.flat().map((b) => b.info!.broadcastId)).toEqual(ids);
    expect((await discovery.pages({ pageSize: 0 })).map((p) => p.length)).toEqual([1000, 1000, 345]);
    expect((await discovery.pages({ pageSize: 5000 })).map((p) => p.length)).toEqual([2345]);
    // A page ending exactly at the last broadcast is not followed by an empty one.
    expect((await discovery.pages({ pageSize: 469 })).map((p) => p.length)).toEqual([469, 469, 469, 469, 469]);
  });

  it('streams live, ended and replay broadcasts as the proto maps them, and leaves out the rest', async () => {
    const circleId = randomUUID();
    const live = await seed({ ...LIVE, viewers: [12, 30], hearts: '9000000000', circleId });
    const ended = await seed({ ...ENDED, viewers: [0, 40], hearts: '7' });
    const replay = await seed({ ...REPLAY, viewers: [0, 50], hearts: '8' });
    await seed({ state: 'created' });
    await seed({ state: 'ended', endedAt: minutesFromNow(-30), replayExpiresAt: minutesFromNow(60) }); // ended before it went live
    await seed({ ...REPLAY, replayExpiresAt: minutesFromNow(-1) }); // over, not swept yet
    await seed({ ...ENDED, replayExpiresAt: minutesFromNow(-1) }); // no recording came in time, not swept yet
    await seed({ ...REPLAY, state: 'expired', replayExpiresAt: minutesFromNow(-60) });

    const byId = await streamed();
    expect([...byId.keys()].sort()).toEqual([live, ended, replay].sort());
    const summary = (b: DiscoverableBroadcast) => ({
      state: b.state,
      startedAt: millis(b.startedAt),
      endedAt: millis(b.endedAt),
      replayExpiresAt: millis(b.replayExpiresAt),
      viewers: [b.viewersNow, b.viewersPeak],
      hearts: b.heartsTotal,
    });
    expect(summary(byId.get(live)!)).toEqual({
      state: State.LIVE, startedAt: LIVE.startedAt!.getTime(), endedAt: undefined, replayExpiresAt: undefined, viewers: [12, 30], hearts: 9_000_000_000n,
    });
    expect(summary(byId.get(ended)!)).toEqual({
      state: State.ENDED, startedAt: ENDED.startedAt!.getTime(), endedAt: ENDED.endedAt!.getTime(), replayExpiresAt: undefined, viewers: [0, 40], hearts: 7n,
    });
    expect(summary(byId.get(replay)!)).toEqual({
      state: State.REPLAY, startedAt: REPLAY.startedAt!.getTime(), endedAt: REPLAY.endedAt!.getTime(), replayExpiresAt: REPLAY.replayExpiresAt!.getTime(), viewers: [0, 50], hearts: 8n,
    });
    expect(byId.get(live)!.info).toMatchObject({ ownerId: ann.id, title: 'seeded', topics: ['news'], language: 'en', visibility: { audience: { case: 'circleId', value: circleId } } });
    expect(byId.get(ended)!.info!.visibility!.audience).toEqual({ case: 'public', value: true });
  });

  it('carries the BroadcastInfo of broadcast.went_live.v1 (location rounded) and follows the broadcast from live to replay', async () => {
    const location = { latitude: 38.72231, longitude: -9.13934, precision: 'city' };
    const created = await call('POST', '/v1/broadcasts', ann, newBroadcast({ visibility: 'followers', topics: ['music', 'lisbon'], language: 'pt-PT', location }));
    const b = await json(created);
    expect(created.status).toBe(201);
    await sfu.joined(b.id, 'node-a', ann.id);
    await waitUntil(() => wentLive.events.some((e) => e.key === b.id), 30_000, `broadcast.went_live.v1 of ${b.id}`);
    const event = wentLive.events.find((e) => e.key === b.id)!.message;

    const live = (await streamed()).get(b.id)!;
    expect(live.state).toBe(State.LIVE);
    expect(live.info).toEqual(event.info);
    expect(live.info!.location).toMatchObject({ latitude: 38.7, longitude: -9.1, precision: LocationPrecision.CITY });
    expect(live.info!.visibility!.audience).toEqual({ case: 'followers', value: true });
    expect(millis(live.startedAt)).toBe(millis(event.startedAt));

    await sfu.audience(b.id, 'node-a', 7);
    await waitUntil(async () => (await streamed()).get(b.id)?.viewersNow === 7, 20_000, 'the audience report in viewers_now');

    const end = await json(await call('POST', `/v1/broadcasts/${b.id}/end`, ann));
    const ended = (await streamed()).get(b.id)!;
    expect(ended).toMatchObject({ state: State.ENDED, viewersNow: 0, viewersPeak: 7 });
    expect(ended.replayExpiresAt).toBeUndefined();
    expect(millis(ended.endedAt)).toBe(new Date(end.endedAt).getTime());

    await sfu.recordingFinished(b.id, 'node-a', 4000, 2);
    await waitUntil(async () => (await streamed()).get(b.id)?.state === State.REPLAY, 20_000, 'the replay in the stream');
    const replay = (await streamed()).get(b.id)!;
    expect(millis(replay.replayExpiresAt)).toBe(new Date(end.replayExpiresAt).getTime());
    expect(replay.info).toEqual(event.info);
  });

  it('refuses a page size above 5000 with INVALID_ARGUMENT and REQUEST.VALIDATION_FAILED', async () => {
    const err = (await discovery.pages({ pageSize: 5001 }).catch((e) => e)) as ServiceError;
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(grpcErrorCode(err)).toBe('REQUEST.VALIDATION_FAILED');
  });

  describe('mutual TLS: discovery only', () => {
    const attempt = async (client: StreamSessionsGrpcClient) => {
      try {
        return await client.pages({ pageSize: 10 });
      } finally {
        client.close();
      }
    };

    it('answers discovery, and refuses other OnAir services with PERMISSION_DENIED and AUTH.SERVICE_NOT_ALLOWED', async () => {
      await seed(LIVE);
      expect((await attempt(StreamSessionsGrpcClient.as(grpcAddress, ctx))).flat()).toHaveLength(1);
      for (const service of ['stream-sessions', 'identity', 'notifications']) {
        const err = (await attempt(StreamSessionsGrpcClient.as(grpcAddress, ctx, service)).catch((e) => e)) as ServiceError;
        expect(err.code).toBe(status.PERMISSION_DENIED);
        expect(grpcErrorCode(err)).toBe('AUTH.SERVICE_NOT_ALLOWED');
      }
    });

    it('does not get past the handshake without a certificate, with plaintext, or with a discovery certificate from another CA', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'onair-rogue-'));
      try {
        const ca = ServiceTls.load({ caFile: join(ctx.infra.pkiDir, 'ca.crt'), certFile: join(ctx.infra.pkiDir, 'discovery.crt'), keyFile: join(ctx.infra.pkiDir, 'discovery.key') }).ca;
        const rogue = ServiceTls.load(rogueServiceTlsFiles(dir, 'discovery'));
        const refused: ChannelCredentials[] = [credentials.createInsecure(), credentials.createSsl(ca), credentials.createSsl(ca, rogue.key, rogue.cert)];
        for (const creds of refused) {
          const err = (await attempt(new StreamSessionsGrpcClient(grpcAddress, creds)).catch((e) => e)) as ServiceError;
          expect(err.code).toBe(status.UNAVAILABLE);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
