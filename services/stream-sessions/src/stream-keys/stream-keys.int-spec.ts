import { verifyMediaTicket } from '@onair/media-tickets';
import { startTelemetry } from '@onair/telemetry';
import { json, TestContext, type TestUser } from '@onair/testing';
import { createRemoteJWKSet } from 'jose';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { Client as PgClient } from 'pg';
import { FakeSfu, httpClient, newBroadcast, sql, startPlatform, untilPlacementKnowsANode } from '../stream-sessions.test-app.js';

startTelemetry({ serviceName: 'stream-sessions' });

const OFFER = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=sendonly\r\n';
const ANSWER = 'v=0\r\no=- 9 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=ice-lite\r\n';

/** What the stand-in SFU node was asked: method, path, the ticket it was shown, the body. */
interface NodeCall {
  method: string;
  path: string;
  ticket: string;
  body: string;
}

/**
 * Stream keys and WHIP ingest in stream-sessions: owner-only keys shown once and rotated at
 * once, the key checked before anything else, and the offer handed to the placed SFU node (a
 * stand-in HTTP endpoint here, as FakeSfu stands in for its events; the real node's side is
 * services/sfu-worker/src/whip, both together in the edge's WHIP end-to-end spec).
 */
describe('stream keys and WHIP ingest', () => {
  const ctx = TestContext.create('ss_stream_keys');
  let call: ReturnType<typeof httpClient>;
  let base: string;
  let pg: PgClient;
  let keys: ReturnType<typeof createRemoteJWKSet>;
  let ann: TestUser, bob: TestUser;
  const calls: NodeCall[] = [];
  /** How long the stand-in node takes to answer an offer. */
  let answerDelayMs = 0;
  const nodeId = `whip-node-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    const platform = await startPlatform(ctx, { SFU_NODE_STALE_SECONDS: '600' });
    base = platform.sessions.url;
    call = httpClient(base);
    keys = createRemoteJWKSet(new URL(platform.sessions.jwksUrl));
    pg = await sql(ctx, platform.sessions.schema);
    [ann, bob] = await Promise.all([ctx.newUser(), ctx.newUser()]);
    const node = createServer(async (req: IncomingMessage, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      calls.push({ method: req.method!, path: req.url!, ticket: req.headers.authorization?.replace(/^Bearer /, '') ?? '', body });
      if (req.method === 'POST') {
        await new Promise((r) => setTimeout(r, answerDelayMs));
        res.writeHead(201, { location: `/v1/sfu/whip/${randomUUID()}`, etag: '"ufrag1"', 'content-type': 'application/sdp' }).end(ANSWER);
      } else if (req.method === 'DELETE') res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      else res.writeHead(204, { etag: '"ufrag1"' }).end();
    });
    await new Promise<void>((r) => node.listen(0, '127.0.0.1', r));
    ctx.onCleanup(() => new Promise((r) => node.close(r)));
    await (await FakeSfu.connect(ctx)).standaloneNode(nodeId, `ws://127.0.0.1:${(node.address() as { port: number }).port}/v1/sfu/signal`);
    await untilPlacementKnowsANode(call, ann);
  });
  afterAll(() => ctx.cleanup());

  const broadcast = async (owner = ann) => (await json(await call('POST', '/v1/broadcasts', owner, newBroadcast()))).id as string;
  const rotate = async (id: string, who = ann) => call('POST', `/v1/broadcasts/${id}/stream-key/rotate`, who);
  const whip = (id: string, key: string | undefined, body = OFFER, contentType = 'application/sdp') =>
    fetch(`${base}/v1/broadcasts/${id}/whip`, { method: 'POST', headers: { 'content-type': contentType, ...(key ? { authorization: `Bearer ${key}` } : {}) }, body });
  const refused = async (res: Response, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect((await json(res)).error.code).toBe(code);
  };

  it('issues a key to the owner only, shows it once, and describes it afterwards without it', async () => {
    const id = await broadcast();
    expect(await json(await call('GET', `/v1/broadcasts/${id}/stream-key`, ann))).toEqual({ broadcastId: id, whipPath: `/v1/broadcasts/${id}/whip`, rtmpUrl: null, issued: false, issuedAt: null, hint: null });
    await refused(await call('GET', `/v1/broadcasts/${id}/stream-key`, bob), 403, 'STREAM_SESSIONS.NOT_OWNER');
    await refused(await rotate(id, bob), 403, 'STREAM_SESSIONS.NOT_OWNER');
    const issued = await rotate(id);
    expect(issued.status).toBe(201);
    const { streamKey, hint } = await json(issued);
    expect(streamKey).toMatch(new RegExp(`^osk_${id.replaceAll('-', '')}_[A-Za-z0-9_-]{43}$`));
    const described = await json(await call('GET', `/v1/broadcasts/${id}/stream-key`, ann));
    expect(described).toMatchObject({ issued: true, hint: streamKey.slice(-4), issuedAt: expect.any(String) });
    expect(hint).toBe(streamKey.slice(-4));
    expect(described.streamKey).toBeUndefined();
    // Only a digest is stored.
    const [row] = (await pg.query('SELECT * FROM stream_key WHERE broadcast_id = $1', [id])).rows;
    expect(JSON.stringify(row)).not.toContain(streamKey.slice(40));
  });

  it('hands an offer with the right key to the placed node with a publish ticket, and answers 201 with its SDP and a session URL', async () => {
    const id = await broadcast();
    const { streamKey } = await json(await rotate(id));
    calls.length = 0;
    const res = await whip(id, streamKey);
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/sdp/);
    expect(res.headers.get('etag')).toBe('"ufrag1"');
    expect(res.headers.get('location')).toMatch(new RegExp(`^/v1/broadcasts/${id}/whip/[A-Za-z0-9_-]+\\.[0-9a-f-]{36}$`));
    expect(await res.text()).toBe(ANSWER);
    expect(calls).toEqual([{ method: 'POST', path: '/v1/sfu/whip', ticket: expect.any(String), body: OFFER }]);
    await expect(verifyMediaTicket(calls[0].ticket, keys, nodeId)).resolves.toMatchObject({ accountId: ann.id, broadcastId: id, role: 'publish' });

    // DELETE on the session: the key again, and the node is asked with a fresh ticket.
    const location = res.headers.get('location')!;
    await refused(await fetch(`${base}${location}`, { method: 'DELETE', headers: { authorization: 'Bearer osk_wrong' } }), 401, 'STREAM_SESSIONS.STREAM_KEY_INVALID');
    expect((await fetch(`${base}${location}`, { method: 'DELETE', headers: { authorization: `Bearer ${streamKey}` } })).status).toBe(200);
    expect(calls[1]).toMatchObject({ method: 'DELETE', path: `/v1/sfu/whip/${location.split('.').pop()}` });
    expect(calls[1].ticket).not.toBe(calls[0].ticket);
    await refused(await fetch(`${base}/v1/broadcasts/${id}/whip/not-a-session`, { method: 'DELETE', headers: { authorization: `Bearer ${streamKey}` } }), 404, 'STREAM_SESSIONS.WHIP_SESSION_NOT_FOUND');
  });

  it('refuses a wrong, missing, foreign or rotated key with 401 before asking any node', async () => {
    const [id, other] = [await broadcast(), await broadcast()];
    const { streamKey: first } = await json(await rotate(id));
    const { streamKey: others } = await json(await rotate(other));
    calls.length = 0;
    await refused(await whip(id, undefined), 401, 'STREAM_SESSIONS.STREAM_KEY_INVALID');
    await refused(await whip(id, `${first.slice(0, -1)}${first.endsWith('A') ? 'B' : 'A'}`), 401, 'STREAM_SESSIONS.STREAM_KEY_INVALID');
    await refused(await whip(id, others), 401, 'STREAM_SESSIONS.STREAM_KEY_INVALID');
    await refused(await whip(randomUUID(), first), 401, 'STREAM_SESSIONS.STREAM_KEY_INVALID');
    const { streamKey: second } = await json(await rotate(id));
    await refused(await whip(id, first), 401, 'STREAM_SESSIONS.STREAM_KEY_INVALID');
    expect(calls).toEqual([]);
    expect((await whip(id, second)).status).toBe(201);
  });

  it('caps the offer at 64 KiB, takes only application/sdp, and places one offer per broadcast at a time', async () => {
    const id = await broadcast();
    const { streamKey } = await json(await rotate(id));
    await refused(await whip(id, streamKey, OFFER + `a=x:${'x'.repeat(65 * 1024)}\r\n`), 413, 'REQUEST.BODY_TOO_LARGE');
    await refused(await whip(id, streamKey, JSON.stringify({ sdp: OFFER }), 'application/json'), 400, 'STREAM_SESSIONS.WHIP_NOT_SDP');
    answerDelayMs = 1500;
    try {
      const answers = await Promise.all([whip(id, streamKey), whip(id, streamKey), whip(id, streamKey)]);
      expect(answers.map((r) => r.status).sort()).toEqual([201, 429, 429]);
    } finally {
      answerDelayMs = 0;
    }
  });

  it('refuses the key of an ended, taken-down or suspended owner\'s broadcast with their usual codes', async () => {
    const ended = await broadcast();
    const { streamKey: endedKey } = await json(await rotate(ended));
    await call('POST', `/v1/broadcasts/${ended}/end`, ann);
    await refused(await whip(ended, endedKey), 409, 'STREAM_SESSIONS.BROADCAST_OVER');
    await refused(await rotate(ended), 409, 'STREAM_SESSIONS.BROADCAST_OVER');

    const takenDown = await broadcast();
    const { streamKey: takenKey } = await json(await rotate(takenDown));
    await pg.query('UPDATE broadcast SET taken_down_at = now() WHERE id = $1', [takenDown]);
    await refused(await whip(takenDown, takenKey), 410, 'STREAM_SESSIONS.BROADCAST_TAKEN_DOWN');

    const bobs = await broadcast(bob);
    const { streamKey: bobsKey } = await json(await rotate(bobs, bob));
    await pg.query('INSERT INTO account_suspension (account_id, suspension_id, suspended_at) VALUES ($1, $2, now())', [bob.id, randomUUID()]);
    await refused(await whip(bobs, bobsKey), 403, 'STREAM_SESSIONS.ACCOUNT_SUSPENDED');
  });
});
