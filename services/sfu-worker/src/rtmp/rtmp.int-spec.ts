import { startTelemetry } from '@onair/telemetry';
import { freePort, TestContext, waitUntil } from '@onair/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { startSfuWorker, startTicketIssuer, type RunningSfu, type TicketIssuer } from '../sfu-worker.test-app.js';
import { writeAmf0 } from './amf0.js';
import { exitWithin, pushTestPattern, RawRtmp } from './rtmp-client.test-app.js';

startTelemetry({ serviceName: 'sfu-worker' });

/** A key as stream-sessions makes them: the broadcast id inside. */
const keyFor = (broadcastId: string) => `osk_${broadcastId.replaceAll('-', '')}_${randomBytes(32).toString('base64url')}`;

/**
 * The RTMP listener of a real SFU node, with stream-sessions stood in for (its side is
 * stream-sessions' rtmp-ingest spec; both together in the edge's RTMP e2e spec): ffmpeg pushes
 * H.264 + AAC and the broadcast's Room gets an H.264 and an Opus Producer (copied or
 * transcoded), a wrong key is refused at publish, and the listener's limits hold against raw
 * sockets: bad handshakes, silence, chunk and message sizes, connection count.
 */
describe('RTMP ingest on an SFU node', () => {
  const ctx = TestContext.create('sfu_rtmp');
  let issuer: TicketIssuer;
  let sfu: RunningSfu;
  let rtmpPort: number;
  /** The keys the stand-in stream-sessions takes, by broadcast; and what it was asked. */
  const keys = new Map<string, string>();
  const asked: string[] = [];

  beforeAll(async () => {
    issuer = await startTicketIssuer(ctx);
    const sessions = createServer((req, res) => {
      asked.push(`${req.method} ${req.url}`);
      const broadcastId = /^\/v1\/broadcasts\/([0-9a-f-]{36})\/rtmp-ticket$/.exec(req.url ?? '')?.[1];
      if (req.method !== 'POST' || !broadcastId) return void res.writeHead(404).end();
      if (!broadcastId || req.headers.authorization !== `Bearer ${keys.get(broadcastId)}`) {
        return void res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'STREAM_SESSIONS.STREAM_KEY_INVALID' } }));
      }
      void issuer.sign({ broadcastId, nodeId: sfu.nodeId, role: 'publish' }).then((ticket) =>
        res
          .writeHead(201, { 'content-type': 'application/json' })
          .end(JSON.stringify({ broadcastId, ticket, nodeId: sfu.nodeId, plainPublishUrl: `http://127.0.0.1:${sfu.port}/v1/sfu/plain-publish` })),
      );
    });
    await new Promise<void>((r) => sessions.listen(0, '127.0.0.1', r));
    ctx.onCleanup(() => new Promise((r) => sessions.close(r)));
    rtmpPort = await freePort();
    sfu = await startSfuWorker(ctx, issuer, {
      SFU_RTMP_PORT: String(rtmpPort),
      SFU_RTMP_MAX_CONNECTIONS: '6',
      SFU_RTMP_MAX_CONNECTIONS_PER_ADDRESS: '4',
      SFU_RTMP_PUBLISH_TIMEOUT_MS: '1500',
      SFU_STREAM_SESSIONS_URL: `http://127.0.0.1:${(sessions.address() as { port: number }).port}`,
    });
  });
  afterAll(() => ctx.cleanup());

  const ffmpegBin = () => ctx.infra.ffmpegBin ?? '/usr/bin/ffmpeg';
  const room = (broadcastId: string) => sfu.runtime.rooms.get(broadcastId as never);
  const videoProfile = (broadcastId: string) =>
    [...(room(broadcastId)?.producers.values() ?? [])].find((p) => p.kind === 'video')?.rtpParameters.codecs[0].parameters?.['profile-level-id'] as string | undefined;
  const bytesIn = async (broadcastId: string) => {
    let bytes = 0;
    for (const p of room(broadcastId)?.producers.values() ?? []) for (const s of await p.getStats()) bytes += s.byteCount;
    return bytes;
  };

  it.each([
    ['copies Constrained Baseline H.264', 'baseline' as const, /^42[c-f]0/],
    ['transcodes H.264 High to Constrained Baseline', 'high' as const, /^42e01f$/],
  ])('%s and AAC to Opus into the Room; the encoder stopping ends the publisher', async (_what, profile, expected) => {
    const broadcastId = randomUUID();
    keys.set(broadcastId, keyFor(broadcastId));
    const ffmpeg = pushTestPattern(ffmpegBin(), `rtmp://127.0.0.1:${rtmpPort}/live/${keys.get(broadcastId)}`, profile);
    ctx.onCleanup(async () => ffmpeg.kill('SIGKILL'));
    await waitUntil(async () => room(broadcastId)?.producers.size === 2, 20_000, 'an H.264 and an Opus producer');
    const kinds = [...room(broadcastId)!.producers.values()].map((p) => `${p.kind} ${p.rtpParameters.codecs[0].mimeType}`).sort();
    expect(kinds).toEqual(['audio audio/opus', 'video video/H264']);
    expect(videoProfile(broadcastId)).toMatch(expected);
    await waitUntil(async () => (await bytesIn(broadcastId)) > 50_000, 15_000, 'RTP flowing into the producers');
    ffmpeg.kill('SIGTERM');
    await waitUntil(async () => !room(broadcastId) || room(broadcastId)!.producers.size === 0, 10_000, 'the publisher gone');
    expect(sfu.runtime.plainPublish.count).toBe(0);
  }, 60_000);

  it('refuses a wrong key at publish: ffmpeg exits non-zero at once and nothing is published', async () => {
    const broadcastId = randomUUID();
    keys.set(broadcastId, keyFor(broadcastId));
    asked.length = 0;
    const wrong = pushTestPattern(ffmpegBin(), `rtmp://127.0.0.1:${rtmpPort}/live/${keyFor(broadcastId)}`);
    const exit = await exitWithin(wrong, 10_000);
    expect(exit?.code).not.toBe(0);
    expect(exit!.afterMs).toBeLessThan(5000);
    expect(asked).toEqual([`POST /v1/broadcasts/${broadcastId}/rtmp-ticket`]);
    // Not a key at all: refused without asking stream-sessions.
    const notKey = pushTestPattern(ffmpegBin(), `rtmp://127.0.0.1:${rtmpPort}/live/..%2F..%2Fetc%2Fpasswd`);
    expect((await exitWithin(notKey, 10_000))?.code).not.toBe(0);
    expect(asked).toHaveLength(1);
    // What the encoder reads: onStatus NetStream.Publish.BadName, then the connection closes.
    const raw = await RawRtmp.open(rtmpPort);
    await raw.handshake();
    raw.connectCommand();
    raw.message(20, writeAmf0('createStream', 2, null));
    raw.message(20, writeAmf0('publish', 3, null, keyFor(broadcastId), 'live'), undefined, 1);
    expect(await raw.closedWithin(3000)).toBe(true);
    expect(raw.text()).toContain('NetStream.Publish.BadName');
    expect(raw.text()).not.toContain('NetStream.Publish.Start');
    expect(room(broadcastId)).toBeUndefined();
  }, 30_000);

  it('closes a connection that breaks the handshake, or says nothing for SFU_RTMP_PUBLISH_TIMEOUT_MS', async () => {
    const bad = await RawRtmp.open(rtmpPort);
    bad.socket.write(Buffer.from([6, ...Buffer.alloc(1536)]));
    expect(await bad.closedWithin(1000)).toBe(true);

    const silent = await RawRtmp.open(rtmpPort);
    expect(await silent.closedWithin(500)).toBe(false);
    expect(await silent.closedWithin(3000)).toBe(true);

    const connectedOnly = await RawRtmp.open(rtmpPort);
    await connectedOnly.handshake();
    connectedOnly.connectCommand();
    await waitUntil(async () => connectedOnly.text().includes('NetConnection.Connect.Success'), 2000, 'connect answered');
    expect(await connectedOnly.closedWithin(3000)).toBe(true);
  });

  it.each([
    ['SET_CHUNK_SIZE 0', (c: RawRtmp) => c.message(1, Buffer.from([0, 0, 0, 0]))],
    ['SET_CHUNK_SIZE 2^31-1', (c: RawRtmp) => c.message(1, Buffer.from([0x7f, 0xff, 0xff, 0xff]))],
    ['a message declared 16 MiB long', (c: RawRtmp) => c.message(9, Buffer.alloc(100), 0xffffff)],
    ['another application than live', (c: RawRtmp) => c.connectCommand('admin')],
    ['a publish before connect', (c: RawRtmp) => c.message(20, writeAmf0('publish', 3, null, 'osk_x', 'live'))],
  ])('closes a connection on %s', async (_what, send) => {
    const c = await RawRtmp.open(rtmpPort);
    await c.handshake();
    send(c);
    expect(await c.closedWithin(1000)).toBe(true);
  });

  it('takes at most SFU_RTMP_MAX_CONNECTIONS connections at once, SFU_RTMP_MAX_CONNECTIONS_PER_ADDRESS from one address', async () => {
    await waitUntil(async () => sfu.runtime.rtmp!.connections === 0, 5000, 'earlier connections gone');
    const fromOne = await Promise.all(Array.from({ length: 4 }, () => RawRtmp.open(rtmpPort, '127.0.0.2')));
    await waitUntil(async () => sfu.runtime.rtmp!.connections === 4, 2000, 'four connections from one address');
    const fifthFromOne = await RawRtmp.open(rtmpPort, '127.0.0.2');
    expect(await fifthFromOne.closedWithin(500)).toBe(true);
    // Other addresses still get in, up to the node's total of 6.
    const others = await Promise.all([RawRtmp.open(rtmpPort, '127.0.0.3'), RawRtmp.open(rtmpPort, '127.0.0.4')]);
    await waitUntil(async () => sfu.runtime.rtmp!.connections === 6, 2000, 'six connections');
    const seventh = await RawRtmp.open(rtmpPort, '127.0.0.5');
    expect(await seventh.closedWithin(500)).toBe(true);
    for (const c of [...fromOne, ...others]) expect(c.closed).toBe(false);
    // A slot freed from the first address takes that address's next connection again.
    fromOne[0].socket.destroy();
    await waitUntil(async () => sfu.runtime.rtmp!.connections === 5, 2000, 'a slot freed');
    const again = await RawRtmp.open(rtmpPort, '127.0.0.2');
    expect(await again.closedWithin(500)).toBe(false);
    for (const c of [...fromOne, ...others, again]) c.socket.destroy();
  });
});
