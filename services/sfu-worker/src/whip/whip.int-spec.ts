import { startTelemetry } from '@onair/telemetry';
import { waitUntil } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { parse } from 'sdp-transform';
import { sfuSuite } from '../sfu-worker.test-app.js';
import { whipOffer } from './whip-offer.test-app.js';

startTelemetry({ serviceName: 'sfu-worker' });

/**
 * The node's WHIP endpoint as stream-sessions calls it (a publish ticket for this node, the
 * encoder's offer), on a real mediasoup worker: the answer, the Producers the publisher gets in
 * the broadcast's Room (seen by a viewer as a browser publisher's), stopping and ICE restarts.
 */
describe('WHIP on an SFU node', () => {
  const suite = sfuSuite('sfu_whip');

  const whipUrl = (path = '') => `http://127.0.0.1:${suite.sfu.port}/v1/sfu/whip${path}`;
  const publishTicket = (broadcastId: string, role: 'publish' | 'consume' = 'publish') =>
    suite.issuer.sign({ broadcastId, nodeId: suite.sfu.nodeId, role });
  const post = async (broadcastId: string, sdp: string, ticket?: string) =>
    fetch(whipUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/sdp', authorization: `Bearer ${ticket ?? (await publishTicket(broadcastId))}` },
      body: sdp,
    });
  const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;
  const room = (broadcastId: string) => suite.sfu.runtime.rooms.get(broadcastId as never);

  it('answers an offer ICE-lite and DTLS passive, and the publisher produces in the room as a browser would', async () => {
    const broadcastId = randomUUID();
    const res = await post(broadcastId, whipOffer());
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/sdp/);
    expect(res.headers.get('location')).toMatch(/^\/v1\/sfu\/whip\/[0-9a-f-]{36}$/);
    expect(res.headers.get('etag')).toMatch(/^".+"$/);
    const answer = parse(await res.text());
    expect(answer.icelite).toBe('ice-lite');
    expect(answer.fingerprint?.type).toBe('sha-256');
    expect(answer.groups?.map((g) => [g.type, String(g.mids)])).toEqual([['BUNDLE', '0 1']]);
    const [audio, video] = answer.media;
    for (const m of [audio, video]) {
      expect(m).toMatchObject({ direction: 'recvonly', setup: 'passive', rtcpMux: 'rtcp-mux', iceUfrag: expect.any(String), icePwd: expect.any(String) });
      expect(m.candidates?.length).toBeGreaterThan(0);
    }
    // The offer's payload types for Opus, and VP8 (its first choice) with its RTX.
    // sdp-transform reads numbers as numbers.
    expect(String(audio.payloads)).toBe('111');
    expect(audio.rtp).toEqual([expect.objectContaining({ payload: 111, codec: 'opus', rate: 48000, encoding: 2 })]);
    expect(String(video.payloads)).toBe('96 97');
    expect(video.rtp.map((r) => r.codec)).toEqual(['VP8', 'rtx']);
    expect(video.ext?.map((e) => e.uri)).toContain('urn:ietf:params:rtp-hdrext:sdes:mid');

    const producers = [...room(broadcastId)!.producers.values()];
    expect(producers.map((p) => p.kind).sort()).toEqual(['audio', 'video']);
    const viewer = await suite.sfu.join(broadcastId, 'consume');
    expect((await viewer.notification('joined')).data?.producers).toHaveLength(2);
  });

  it('takes H.264 when the offer prefers it, and refuses a video m-section with no codec it takes (VP9 only)', async () => {
    const h264 = parse(await (await post(randomUUID(), whipOffer({ video: ['H264', 'VP8'] }))).text());
    expect(h264.media[1].rtp.map((r) => r.codec)).toEqual(['H264', 'rtx']);
    expect(h264.media[1].fmtp.find((f) => f.payload === 102)?.config).toContain('profile-level-id=42e01f');

    const broadcastId = randomUUID();
    const vp9 = parse(await (await post(broadcastId, whipOffer({ video: ['VP9'] }))).text());
    expect([vp9.media[1].port, String(vp9.media[1].mid)]).toEqual([0, '1']);
    expect(vp9.groups?.map((g) => [g.type, String(g.mids)])).toEqual([['BUNDLE', '0']]);
    expect([...room(broadcastId)!.producers.values()].map((p) => p.kind)).toEqual(['audio']);
  });

  it.each([
    ['more m-sections than it reads', whipOffer({ extraSections: 3 })],
    ['m-sections not bundled', whipOffer({ bundle: false })],
    ['a passive DTLS setup', whipOffer({ setup: 'passive' })],
    ['nothing it can take', whipOffer({ audio: false, video: ['VP9'] })],
    ['text that is not SDP', 'hello'],
  ])('refuses %s with SFU.WHIP_OFFER_INVALID and leaves no room behind', async (_what, sdp) => {
    const broadcastId = randomUUID();
    const res = await post(broadcastId, sdp);
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('SFU.WHIP_OFFER_INVALID');
    expect(room(broadcastId)).toBeUndefined();
  });

  it('takes publish tickets only, each once, and no body past 64 KiB', async () => {
    const broadcastId = randomUUID();
    const viewerTicket = await post(broadcastId, whipOffer(), await publishTicket(broadcastId, 'consume'));
    expect([viewerTicket.status, await errorCode(viewerTicket)]).toEqual([403, 'SFU.WHIP_TICKET_REFUSED']);
    const none = await fetch(whipUrl(), { method: 'POST', headers: { 'content-type': 'application/sdp' }, body: whipOffer() });
    expect([none.status, await errorCode(none)]).toEqual([401, 'MEDIA.TICKET_INVALID']);
    const ticket = await publishTicket(broadcastId);
    expect((await post(broadcastId, whipOffer(), ticket)).status).toBe(201);
    const again = await post(broadcastId, whipOffer(), ticket);
    expect([again.status, await errorCode(again)]).toEqual([401, 'MEDIA.TICKET_USED']);
    const huge = await post(broadcastId, whipOffer() + `a=x-padding:${'x'.repeat(70 * 1024)}\r\n`);
    expect([huge.status, await errorCode(huge)]).toEqual([413, 'REQUEST.BODY_TOO_LARGE']);
  });

  it('restarts ICE on a PATCH with new credentials, ignores trickled candidates, and checks If-Match', async () => {
    const broadcastId = randomUUID();
    const res = await post(broadcastId, whipOffer());
    const [location, etag] = [res.headers.get('location')!, res.headers.get('etag')!];
    const before = parse(await res.text()).media[0].iceUfrag;
    const patch = async (body: string, ifMatch: string) =>
      fetch(`http://127.0.0.1:${suite.sfu.port}${location}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/trickle-ice-sdpfrag', 'if-match': ifMatch, authorization: `Bearer ${await publishTicket(broadcastId)}` },
        body,
      });
    const candidate = 'a=mid:0\r\na=candidate:1 1 udp 2113937151 192.0.2.7 50000 typ host\r\n';
    expect((await patch(`a=ice-ufrag:whipufrag\r\na=ice-pwd:whippasswordwhippassword\r\n${candidate}`, etag)).status).toBe(204);
    const stale = await patch('a=ice-ufrag:other\r\na=ice-pwd:otherpasswordotherpassword\r\n', '"not-the-etag"');
    expect([stale.status, await errorCode(stale)]).toEqual([409, 'SFU.WHIP_ETAG_MISMATCH']);
    const restart = await patch('a=ice-ufrag:newufrag\r\na=ice-pwd:newpasswordnewpassword12\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n', '*');
    expect(restart.status).toBe(200);
    expect(restart.headers.get('etag')).not.toBe(etag);
    const fragment = await restart.text();
    expect(fragment).toMatch(/^a=ice-lite\r\na=ice-ufrag:/);
    expect(fragment).not.toContain(`a=ice-ufrag:${before}\r\n`);
    expect(fragment).toContain('a=candidate:');
  });

  it('ends the session on DELETE (another broadcast\'s ticket finds nothing): the publisher leaves and the empty room closes', async () => {
    const broadcastId = randomUUID();
    const location = (await post(broadcastId, whipOffer())).headers.get('location')!;
    const del = async (forBroadcast: string) =>
      fetch(`http://127.0.0.1:${suite.sfu.port}${location}`, { method: 'DELETE', headers: { authorization: `Bearer ${await publishTicket(forBroadcast)}` } });
    const other = await del(randomUUID());
    expect([other.status, await errorCode(other)]).toEqual([404, 'SFU.WHIP_SESSION_NOT_FOUND']);
    expect(room(broadcastId)?.producers.size).toBe(2);
    expect((await del(broadcastId)).status).toBe(200);
    expect(room(broadcastId)).toBeUndefined();
    expect((await del(broadcastId)).status).toBe(404);
  });
});

describe('WHIP on an SFU node: an encoder that never sends', () => {
  const suite = sfuSuite('sfu_whip_idle', { SFU_WHIP_MEDIA_TIMEOUT_MS: '1500' });

  it('is gone once its transport has received nothing for SFU_WHIP_MEDIA_TIMEOUT_MS: the publisher leaves', async () => {
    const broadcastId = randomUUID();
    const res = await fetch(`http://127.0.0.1:${suite.sfu.port}/v1/sfu/whip`, {
      method: 'POST',
      headers: { 'content-type': 'application/sdp', authorization: `Bearer ${await suite.issuer.sign({ broadcastId, nodeId: suite.sfu.nodeId, role: 'publish' })}` },
      body: whipOffer(),
    });
    expect(res.status).toBe(201);
    expect(suite.sfu.runtime.whip.count).toBe(1);
    await waitUntil(async () => suite.sfu.runtime.whip.count === 0 && !suite.sfu.runtime.rooms.get(broadcastId as never), 20_000, 'the idle WHIP session to end');
  });
});
