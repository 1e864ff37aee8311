import { startTelemetry } from '@onair/telemetry';
import { waitUntil } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { sfuSuite } from '../sfu-worker.test-app.js';

startTelemetry({ serviceName: 'sfu-worker' });

const REQUEST = { video: { payloadType: 102, ssrc: 1111, profileLevelId: '42e01f' }, audio: { payloadType: 111, ssrc: 2222 } };

/**
 * The node's plain-publish endpoint as an RTMP ingest calls it (a publish ticket for this node,
 * the RTP parameters its ffmpeg will send), on a real mediasoup worker: PlainTransports and
 * Producers in the broadcast's Room, ticket checks, bad bodies, DELETE with the session id.
 */
describe('plain publishing on an SFU node', () => {
  const suite = sfuSuite('sfu_plain_publish');

  const url = (path = '') => `http://127.0.0.1:${suite.sfu.port}/v1/sfu/plain-publish${path}`;
  const ticketFor = (broadcastId: string, role: 'publish' | 'consume' = 'publish') => suite.issuer.sign({ broadcastId, nodeId: suite.sfu.nodeId, role });
  const post = async (broadcastId: string, body: unknown, ticket?: string) =>
    fetch(url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ticket ?? (await ticketFor(broadcastId))}` },
      body: JSON.stringify(body),
    });
  const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;
  const room = (broadcastId: string) => suite.sfu.runtime.rooms.get(broadcastId as never);

  it('creates a PlainTransport and a Producer per kind, seen by a viewer; DELETE with the session id ends it', async () => {
    const broadcastId = randomUUID();
    const res = await post(broadcastId, REQUEST);
    expect(res.status).toBe(201);
    const answer = (await res.json()) as { sessionId: string; ip: string; video: { rtpPort: number; rtcpPort: number }; audio: { rtpPort: number; rtcpPort: number } };
    expect(answer).toEqual({
      sessionId: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      ip: '127.0.0.1',
      video: { rtpPort: expect.any(Number), rtcpPort: expect.any(Number) },
      audio: { rtpPort: expect.any(Number), rtcpPort: expect.any(Number) },
    });
    expect(new Set([answer.video.rtpPort, answer.video.rtcpPort, answer.audio.rtpPort, answer.audio.rtcpPort]).size).toBe(4);
    const producers = [...room(broadcastId)!.producers.values()];
    expect(producers.map((p) => [p.kind, p.rtpParameters.codecs[0].mimeType, p.rtpParameters.encodings?.[0].ssrc]).sort()).toEqual([
      ['audio', 'audio/opus', 2222],
      ['video', 'video/H264', 1111],
    ]);
    const viewer = await suite.sfu.join(broadcastId, 'consume');
    expect((await viewer.notification('joined')).data?.producers).toHaveLength(2);

    const del = (id: string) => fetch(url(`/${id}`), { method: 'DELETE' });
    const wrong = await del('A'.repeat(43));
    expect([wrong.status, await errorCode(wrong)]).toEqual([404, 'SFU.PLAIN_PUBLISH_SESSION_NOT_FOUND']);
    expect(room(broadcastId)?.producers.size).toBe(2);
    expect((await del(answer.sessionId)).status).toBe(200);
    await waitUntil(async () => room(broadcastId)?.producers.size !== 2, 5000, 'the producers closed');
    expect((await del(answer.sessionId)).status).toBe(404);
    expect(suite.sfu.runtime.plainPublish.count).toBe(0);
  });

  it('takes publish tickets only, each once', async () => {
    const broadcastId = randomUUID();
    const viewerTicket = await post(broadcastId, REQUEST, await ticketFor(broadcastId, 'consume'));
    expect([viewerTicket.status, await errorCode(viewerTicket)]).toEqual([403, 'SFU.PLAIN_PUBLISH_TICKET_REFUSED']);
    const none = await fetch(url(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(REQUEST) });
    expect([none.status, await errorCode(none)]).toEqual([401, 'MEDIA.TICKET_INVALID']);
    const otherNode = await post(broadcastId, REQUEST, await suite.issuer.sign({ broadcastId, nodeId: 'another-node', role: 'publish' }));
    expect([otherNode.status, await errorCode(otherNode)]).toEqual([403, 'MEDIA.TICKET_WRONG_NODE']);
    const ticket = await ticketFor(broadcastId);
    expect((await post(broadcastId, REQUEST, ticket)).status).toBe(201);
    const again = await post(broadcastId, REQUEST, ticket);
    expect([again.status, await errorCode(again)]).toEqual([401, 'MEDIA.TICKET_USED']);
  });

  it.each([
    ['no kind at all', {}, 'REQUEST.VALIDATION_FAILED'],
    ['an unknown field', { ...REQUEST, rtx: true }, 'REQUEST.VALIDATION_FAILED'],
    ['a static payload type', { video: { ...REQUEST.video, payloadType: 8 } }, 'REQUEST.VALIDATION_FAILED'],
    ['SSRC 0', { audio: { payloadType: 111, ssrc: 0 } }, 'REQUEST.VALIDATION_FAILED'],
    ['one payload type for both kinds', { video: REQUEST.video, audio: { payloadType: 102, ssrc: 3 } }, 'REQUEST.VALIDATION_FAILED'],
    ['H.264 High, which no Router carries', { video: { ...REQUEST.video, profileLevelId: '640028' } }, 'SFU.INVALID_MEDIA_PARAMETERS'],
  ])('refuses %s with 400 and leaves no publisher behind', async (_what, body, code) => {
    const broadcastId = randomUUID();
    const sessions = suite.sfu.runtime.plainPublish.count;
    const res = await post(broadcastId, body);
    expect([res.status, await errorCode(res)]).toEqual([400, code]);
    expect(room(broadcastId)?.producers.size ?? 0).toBe(0);
    expect(suite.sfu.runtime.plainPublish.count).toBe(sessions);
  });

  it('refuses a body past 4 KiB', async () => {
    const res = await post(randomUUID(), { ...REQUEST, padding: 'x'.repeat(5000) });
    expect([res.status, await errorCode(res)]).toEqual([413, 'REQUEST.BODY_TOO_LARGE']);
  });
});

describe('plain publishing on an SFU node: a sender that stops', () => {
  const suite = sfuSuite('sfu_plain_publish_idle', { SFU_WHIP_MEDIA_TIMEOUT_MS: '1500' });

  it('ends once its transports have received nothing for SFU_WHIP_MEDIA_TIMEOUT_MS, not while RTP arrives', async () => {
    const broadcastId = randomUUID();
    const res = await fetch(`http://127.0.0.1:${suite.sfu.port}/v1/sfu/plain-publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await suite.issuer.sign({ broadcastId, nodeId: suite.sfu.nodeId, role: 'publish' })}` },
      body: JSON.stringify({ audio: { payloadType: 111, ssrc: 4444 } }),
    });
    const { audio } = (await res.json()) as { audio: { rtpPort: number } };
    // An RTP packet of the announced stream every 100 ms for 3 s: twice the timeout, still publishing.
    const socket = createSocket('udp4');
    const packet = (seq: number) => {
      const b = Buffer.alloc(12 + 20);
      b[0] = 0x80;
      b[1] = 111;
      b.writeUInt16BE(seq, 2);
      b.writeUInt32BE(seq * 960, 4);
      b.writeUInt32BE(4444, 8);
      return b;
    };
    for (let seq = 1; seq <= 30; seq++) {
      socket.send(packet(seq), audio.rtpPort, '127.0.0.1');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(suite.sfu.runtime.plainPublish.count).toBe(1);
    socket.close();
    await waitUntil(async () => suite.sfu.runtime.plainPublish.count === 0 && !suite.sfu.runtime.rooms.get(broadcastId as never), 20_000, 'the silent session to end');
  });
});
