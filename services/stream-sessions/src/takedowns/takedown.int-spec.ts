import { create } from '@bufbuild/protobuf';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import { BroadcastEndedEvent, BroadcastEndReason, BroadcastExpiredEvent, BroadcastReplayReadyEvent, BroadcastTakenDownEvent, BroadcastTakenDownSchema } from '@onair/contracts';
import { encodeEvent } from '@onair/kafka';
import { EventCollector, json, TestContext, waitUntil, type TestUser } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client as PgClient } from 'pg';
import { FakeSfu, httpClient, newBroadcast, sql, startPlatform } from '../stream-sessions.test-app.js';

startTelemetry({ serviceName: 'stream-sessions' });

// ops' takedown event, applied by stream-sessions: a live broadcast ends at once (reason
// TAKEN_DOWN) and expires (replay files deleted); a replay already made is deleted; nothing
// admits anyone to it afterwards; a recording finishing late never becomes a replay.
describe('takedowns: ops.broadcast_taken_down.v1 ends a broadcast and deletes its replay', () => {
  const ctx = TestContext.create('ss_takedown');
  let call: ReturnType<typeof httpClient>;
  let pg: PgClient;
  let sfu: FakeSfu;
  let replayDir: string;
  let ended: EventCollector<typeof BroadcastEndedEvent.schema>;
  let expired: EventCollector<typeof BroadcastExpiredEvent.schema>;
  let ready: EventCollector<typeof BroadcastReplayReadyEvent.schema>;
  let ann: TestUser, bob: TestUser, operator: TestUser;
  let producer: ReturnType<ReturnType<TestContext['kafka']>['producer']>;

  beforeAll(async () => {
    const platform = await startPlatform(ctx, { PUBLISHER_GRACE_SECONDS: '1' });
    call = httpClient(platform.sessions.url);
    pg = await sql(ctx, platform.sessions.schema);
    replayDir = platform.sessions.replayDir;
    sfu = await FakeSfu.connect(ctx);
    ended = await EventCollector.start(ctx, BroadcastEndedEvent);
    expired = await EventCollector.start(ctx, BroadcastExpiredEvent);
    ready = await EventCollector.start(ctx, BroadcastReplayReadyEvent);
    producer = ctx.kafka().producer();
    await producer.connect();
    ctx.onCleanup(() => producer.disconnect());
    [ann, bob, operator] = await Promise.all([ctx.newUser(), ctx.newUser(), ctx.newUser()]);
  });
  afterAll(() => ctx.cleanup());

  /** ops' event as ops publishes it; `id` fixes the event id (a redelivery). */
  const takeDown = async (broadcastId: string, id = randomUUID()) => {
    const message = create(BroadcastTakenDownSchema, { broadcastId, actorAccountId: operator.id, reason: 'a scam', takenDownAt: timestampNow() });
    const record = encodeEvent(BroadcastTakenDownEvent, message, { id, source: 'ops', time: new Date() });
    await producer.send({ topic: ctx.topicPrefix + BroadcastTakenDownEvent.topic, acks: -1, messages: [record] });
    return id;
  };
  const get = async (id: string) => json(await call('GET', `/v1/broadcasts/${id}`, ann));
  const waitForState = (id: string, state: string, ms = 20_000) => waitUntil(async () => (await get(id)).state === state, ms, `broadcast ${id} ${state}`);
  const live = async () => {
    const b = await json(await call('POST', '/v1/broadcasts', ann, newBroadcast()));
    await sfu.joined(b.id, 'node-a', ann.id);
    await waitForState(b.id, 'live');
    return b.id as string;
  };
  const recording = (id: string) => {
    mkdirSync(join(replayDir, id), { recursive: true });
    writeFileSync(join(replayDir, id, 'index.m3u8'), '#EXTM3U\n');
    return join(replayDir, id);
  };
  const ticket = async (id: string, who: TestUser, role: string) => {
    const res = await call('POST', `/v1/broadcasts/${id}/tickets`, who, { role });
    return { status: res.status, code: (await json(res)).error?.code };
  };

  it('ends a live broadcast within 5 s (TAKEN_DOWN), expires it and refuses every ticket', async () => {
    const id = await live();
    const files = recording(id);
    const at = Date.now();
    await takeDown(id);
    await waitUntil(() => ended.events.some((e) => e.message.broadcastId === id), 5_000, 'broadcast.ended.v1');
    expect(Date.now() - at).toBeLessThan(5_000);
    expect(ended.events.filter((e) => e.message.broadcastId === id).map((e) => e.message)).toMatchObject([{ ownerId: ann.id, reason: BroadcastEndReason.TAKEN_DOWN }]);
    await waitUntil(() => expired.events.some((e) => e.message.broadcastId === id), 5_000, 'broadcast.expired.v1');
    expect(await get(id)).toMatchObject({ state: 'expired', endReason: 'taken_down', takenDownAt: expect.any(String) });
    expect(existsSync(files)).toBe(false);
    for (const [who, role] of [[ann, 'publish'], [bob, 'consume'], [bob, 'chat']] as const) {
      expect(await ticket(id, who, role)).toEqual({ status: 410, code: 'STREAM_SESSIONS.BROADCAST_TAKEN_DOWN' });
    }
    // The publisher's media coming back does not make it live again.
    await sfu.joined(id, 'node-a', ann.id);
    // A recording finishing after the takedown never becomes a replay; its files are deleted.
    const late = recording(id);
    await sfu.recordingFinished(id, 'node-a', 4000, 2);
    await waitUntil(async () => !existsSync(late), 10_000, 'the late recording deleted');
    expect((await get(id)).state).toBe('expired');
    expect(ready.events.filter((e) => e.message.broadcastId === id)).toEqual([]);
    expect((await call('GET', `/v1/broadcasts/${id}/replay/index.m3u8`, ann)).status).toBe(410);
  });

  it('deletes a replay already made, and changes nothing more on redelivery', async () => {
    const id = await live();
    const files = recording(id);
    await call('POST', `/v1/broadcasts/${id}/end`, ann);
    await sfu.recordingFinished(id, 'node-a', 4000, 2);
    await waitForState(id, 'replay_ready');
    const eventId = await takeDown(id);
    await waitForState(id, 'expired', 5_000);
    expect(existsSync(files)).toBe(false);
    expect(await get(id)).toMatchObject({ endReason: 'taken_down' });
    // The same event again, and a second takedown event: nothing more is published.
    await takeDown(id, eventId);
    await takeDown(id);
    const marker = await live();
    await takeDown(marker);
    await waitForState(marker, 'expired', 5_000);
    expect(ended.events.filter((e) => e.message.broadcastId === id)).toHaveLength(1);
    expect(expired.events.filter((e) => e.message.broadcastId === id)).toHaveLength(1);
    const [row] = (await pg.query('SELECT taken_down_at FROM broadcast WHERE id = $1', [id])).rows;
    expect(row.taken_down_at).toBeInstanceOf(Date);
  });

  it('consumes a takedown of an unknown or malformed broadcast id harmlessly (no dead letter, the group goes on)', async () => {
    await takeDown(randomUUID());
    await takeDown('not-a-uuid');
    const id = await live();
    await takeDown(id);
    await waitForState(id, 'expired', 5_000);
  });
});
