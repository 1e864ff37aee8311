import { verifyMediaTicket } from '@onair/media-tickets';
import { startTelemetry } from '@onair/telemetry';
import { json, TestContext, type TestUser } from '@onair/testing';
import { createRemoteJWKSet } from 'jose';
import { randomUUID } from 'node:crypto';
import type { Client as PgClient } from 'pg';
import { FakeSfu, httpClient, newBroadcast, sql, startPlatform, untilPlacementKnowsANode } from '../stream-sessions.test-app.js';

startTelemetry({ serviceName: 'stream-sessions' });

/**
 * The RTMP ticket: what an SFU node's RTMP listener asks for when an encoder publishes with a
 * stream key. The key first (wrong and rotated keys refused before any placement), then a
 * publish ticket's checks and placement; the owner sees the RTMP URL beside the WHIP path. The
 * node's side is services/sfu-worker/src/rtmp, both together in the edge's RTMP e2e spec.
 */
describe('RTMP ingest tickets', () => {
  const ctx = TestContext.create('ss_rtmp_ingest');
  let call: ReturnType<typeof httpClient>;
  let base: string;
  let pg: PgClient;
  let keys: ReturnType<typeof createRemoteJWKSet>;
  let ann: TestUser, bob: TestUser;
  const nodeId = `rtmp-node-${randomUUID().slice(0, 8)}`;
  const RTMP_URL = 'rtmp://ingest.example:1935/live';

  beforeAll(async () => {
    const platform = await startPlatform(ctx, { SFU_NODE_STALE_SECONDS: '600', STREAM_SESSIONS_RTMP_URL: RTMP_URL });
    base = platform.sessions.url;
    call = httpClient(base);
    keys = createRemoteJWKSet(new URL(platform.sessions.jwksUrl));
    pg = await sql(ctx, platform.sessions.schema);
    [ann, bob] = await Promise.all([ctx.newUser(), ctx.newUser()]);
    await (await FakeSfu.connect(ctx)).standaloneNode(nodeId, 'wss://node-1.sfu.example:7104/v1/sfu/signal');
    await untilPlacementKnowsANode(call, ann);
  });
  afterAll(() => ctx.cleanup());

  const broadcast = async (owner = ann) => (await json(await call('POST', '/v1/broadcasts', owner, newBroadcast()))).id as string;
  const rotate = async (id: string, who = ann) => json(await call('POST', `/v1/broadcasts/${id}/stream-key/rotate`, who));
  const ticket = (id: string, key: string | undefined) =>
    fetch(`${base}/v1/broadcasts/${id}/rtmp-ticket`, { method: 'POST', headers: key ? { authorization: `Bearer ${key}` } : {} });
  const refused = async (res: Response, status: number, code: string) => {
    expect([res.status, (await json(res)).error.code]).toEqual([status, code]);
  };

  it('shows the owner the RTMP URL with the key', async () => {
    const id = await broadcast();
    expect(await rotate(id)).toMatchObject({ rtmpUrl: RTMP_URL, whipPath: `/v1/broadcasts/${id}/whip`, streamKey: expect.stringMatching(/^osk_/) });
    expect(await json(await call('GET', `/v1/broadcasts/${id}/stream-key`, ann))).toMatchObject({ rtmpUrl: RTMP_URL, issued: true });
  });

  it('places the publisher for the right key: a publish ticket for the node and its plain-publish URL', async () => {
    const id = await broadcast();
    const { streamKey } = await rotate(id);
    const res = await ticket(id, streamKey);
    expect(res.status).toBe(201);
    const grant = await json(res);
    expect(grant).toEqual({ broadcastId: id, ticket: expect.any(String), nodeId, plainPublishUrl: 'https://node-1.sfu.example:7104/v1/sfu/plain-publish', expiresAt: expect.any(String) });
    await expect(verifyMediaTicket(grant.ticket, keys, nodeId)).resolves.toMatchObject({ accountId: ann.id, broadcastId: id, role: 'publish' });
  });

  it('refuses a wrong, missing, foreign or rotated key with 401', async () => {
    const [id, other] = [await broadcast(), await broadcast()];
    const { streamKey: first } = await rotate(id);
    const { streamKey: others } = await rotate(other);
    await refused(await ticket(id, undefined), 401, 'STREAM_SESSIONS.STREAM_KEY_INVALID');
    await refused(await ticket(id, `${first.slice(0, -1)}${first.endsWith('A') ? 'B' : 'A'}`), 401, 'STREAM_SESSIONS.STREAM_KEY_INVALID');
    await refused(await ticket(id, others), 401, 'STREAM_SESSIONS.STREAM_KEY_INVALID');
    await refused(await ticket(id, 'x'.repeat(190)), 401, 'STREAM_SESSIONS.STREAM_KEY_INVALID');
    const { streamKey: second } = await rotate(id);
    await refused(await ticket(id, first), 401, 'STREAM_SESSIONS.STREAM_KEY_INVALID');
    expect((await ticket(id, second)).status).toBe(201);
  });

  it("refuses an ended, taken-down or suspended owner's broadcast with the publish ticket's codes", async () => {
    const ended = await broadcast();
    const { streamKey: endedKey } = await rotate(ended);
    await call('POST', `/v1/broadcasts/${ended}/end`, ann);
    await refused(await ticket(ended, endedKey), 409, 'STREAM_SESSIONS.BROADCAST_OVER');

    const takenDown = await broadcast();
    const { streamKey: takenKey } = await rotate(takenDown);
    await pg.query('UPDATE broadcast SET taken_down_at = now() WHERE id = $1', [takenDown]);
    await refused(await ticket(takenDown, takenKey), 410, 'STREAM_SESSIONS.BROADCAST_TAKEN_DOWN');

    const bobs = await broadcast(bob);
    const { streamKey: bobsKey } = await rotate(bobs, bob);
    await pg.query('INSERT INTO account_suspension (account_id, suspension_id, suspended_at) VALUES ($1, $2, now())', [bob.id, randomUUID()]);
    await refused(await ticket(bobs, bobsKey), 403, 'STREAM_SESSIONS.ACCOUNT_SUSPENDED');
  });
});
