import { startTelemetry } from '@onair/telemetry';
import { randomUUID } from 'node:crypto';
import { ok, publishTestPattern, sfuSuite } from '../sfu-worker.test-app.js';

startTelemetry({ serviceName: 'sfu-worker' });

const DTLS = {
  role: 'client',
  fingerprints: [{ algorithm: 'sha-256', value: 'E5:F5:CA:A7:2D:93:E6:16:AC:21:09:9F:23:51:62:8C:D0:66:E9:0C:22:54:2B:82:0C:DF:E0:C5:2C:7E:CD:53' }],
};

describe('signalling over WebSocket with real mediasoup', () => {
  const suite = sfuSuite('sfu_signal');
  const { ctx } = suite;

  it('takes a publisher and a viewer from router capabilities to produce, consume and resume', async () => {
    const broadcastId = randomUUID();
    const publisher = await suite.sfu.join(broadcastId, 'publish');
    const joined = (await publisher.notification('joined')).data!;
    expect(joined).toMatchObject({ broadcastId, role: 'publisher', producers: [] });

    const caps = ok(await publisher.request('getRouterRtpCapabilities')).rtpCapabilities;
    expect(caps.codecs.map((c: { mimeType: string }) => c.mimeType)).toEqual(expect.arrayContaining(['audio/opus', 'video/VP8']));
    // joined carries the same capabilities, so a client need not ask.
    expect(joined.rtpCapabilities).toEqual(caps);

    // A WebRTC transport on the worker's WebRtcServer: its one fixed port, the announced address.
    const send = ok(await publisher.request('createWebRtcTransport', { direction: 'send' }));
    const port = suite.sfu.runtime.config.media.rtcPortBase;
    expect(send.iceCandidates).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ip: '127.0.0.1', port, protocol: 'udp' }),
        expect.objectContaining({ ip: '127.0.0.1', port, protocol: 'tcp' }),
      ]),
    );
    expect(send.dtlsParameters.fingerprints.length).toBeGreaterThan(0);
    expect(ok(await publisher.request('connectWebRtcTransport', { transportId: send.id, dtlsParameters: DTLS }))).toEqual({});
    const restarted = ok(await publisher.request('restartIce', { transportId: send.id }));
    expect(restarted.iceParameters.usernameFragment).not.toBe(send.iceParameters.usernameFragment);

    const viewer = await suite.sfu.join(broadcastId, 'consume');
    const media = await publishTestPattern(ctx, suite.sfu, publisher, broadcastId, { media: false });
    const added = await viewer.notification('producerAdded', 2);
    expect(added.data).toMatchObject({ producerId: media.audioProducerId, kind: 'audio' });

    const recv = ok(await viewer.request('createWebRtcTransport', { direction: 'recv' }));
    ok(await viewer.request('connectWebRtcTransport', { transportId: recv.id, dtlsParameters: DTLS }));
    const consumer = ok(
      await viewer.request('consume', { transportId: recv.id, producerId: media.videoProducerId, rtpCapabilities: caps }),
    );
    expect(consumer).toMatchObject({ producerId: media.videoProducerId, kind: 'video', type: 'simple' });
    expect(consumer.rtpParameters.codecs[0].mimeType).toBe('video/VP8');
    expect(suite.sfu.runtime.pool.consumerCount(suite.sfu.runtime.rooms.get(broadcastId as never)!.router)).toBe(1);
    expect(ok(await viewer.request('resumeConsumer', { consumerId: consumer.id }))).toEqual({});
    expect(ok(await viewer.request('setPreferredLayers', { consumerId: consumer.id, spatialLayer: 0 }))).toEqual({});

    // A late viewer learns the producers in its joined notification.
    const late = await suite.sfu.join(broadcastId, 'consume');
    expect((await late.notification('joined')).data!.producers).toHaveLength(2);

    // The publisher leaves: viewers hear producerClosed and consumerClosed; the socket ends.
    expect(ok(await publisher.request('leave'))).toEqual({});
    expect(await publisher.closed).toEqual({ code: 1000, reason: 'SFU.LEFT' });
    expect((await viewer.notification('consumerClosed')).data).toEqual({ consumerId: consumer.id, producerId: media.videoProducerId });
    await viewer.notification('producerClosed', 2);
  });

  it('keeps each role to its side: a viewer cannot produce or send, a publisher cannot consume', async () => {
    const broadcastId = randomUUID();
    const publisher = await suite.sfu.join(broadcastId, 'publish');
    const viewer = await suite.sfu.join(broadcastId, 'consume');
    const produce = await viewer.request('produce', {
      transportId: 'whatever',
      kind: 'video',
      rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }] },
    });
    expect(produce.error).toMatchObject({ code: 'SFU.FORBIDDEN_ROLE' });
    expect((await viewer.request('createWebRtcTransport', { direction: 'send' })).error?.code).toBe('SFU.FORBIDDEN_ROLE');
    expect((await publisher.request('createWebRtcTransport', { direction: 'recv' })).error?.code).toBe('SFU.FORBIDDEN_ROLE');
    const caps = ok(await publisher.request('getRouterRtpCapabilities')).rtpCapabilities;
    const consume = await publisher.request('consume', { transportId: 'x', producerId: 'y', rtpCapabilities: caps });
    expect(consume.error?.code).toBe('SFU.FORBIDDEN_ROLE');
    // The socket stays usable after a refusal.
    expect(ok(await viewer.request('getRouterRtpCapabilities')).rtpCapabilities).toBeDefined();
  });

  it('answers bad frames with stable error codes and keeps serving the socket', async () => {
    const client = await suite.sfu.join(randomUUID(), 'consume');
    const n = client.frames.length;
    client.ws.send('this is not json');
    expect(await client.nextFrame(n)).toMatchObject({ id: null, ok: false, error: { code: 'SIGNAL.MALFORMED_FRAME' } });
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await client.nextFrame(n + 1)).error?.code).toBe('SIGNAL.MALFORMED_FRAME');
    client.ws.send('[1,2]');
    expect((await client.nextFrame(n + 2)).error?.code).toBe('REQUEST.VALIDATION_FAILED');

    expect(await client.send({ id: 7, method: 'fly' }, 7)).toMatchObject({ id: 7, ok: false, error: { code: 'SIGNAL.UNKNOWN_METHOD' } });
    expect((await client.send({ id: 8, method: 'constructor' }, 8)).error?.code).toBe('SIGNAL.UNKNOWN_METHOD');
    const wrong = await client.request('createWebRtcTransport', { direction: 'sideways' });
    expect(wrong.error).toMatchObject({ code: 'REQUEST.VALIDATION_FAILED', details: { fields: [expect.objectContaining({ field: 'params.direction' })] } });
    expect((await client.request('createWebRtcTransport', { direction: 'recv', extra: 1 })).error?.code).toBe('REQUEST.VALIDATION_FAILED');
    expect((await client.send({ id: 'x', method: 'leave', params: 'nope' }, 'x')).error?.code).toBe('REQUEST.VALIDATION_FAILED');
    expect((await client.request('resumeConsumer', { consumerId: 'nope' })).error?.code).toBe('SFU.CONSUMER_NOT_FOUND');
    expect((await client.request('connectWebRtcTransport', { transportId: 'nope', dtlsParameters: DTLS })).error?.code).toBe(
      'SFU.TRANSPORT_NOT_FOUND',
    );
    const recv = ok(await client.request('createWebRtcTransport', { direction: 'recv' }));
    expect((await client.request('createWebRtcTransport', { direction: 'recv' })).error?.code).toBe('SFU.TRANSPORT_EXISTS');
    const caps = { codecs: [{ mimeType: 'video/H264', kind: 'video', clockRate: 90000 }] };
    expect((await client.request('consume', { transportId: recv.id, producerId: 'none', rtpCapabilities: caps })).error?.code).toBe(
      'SFU.PRODUCER_NOT_FOUND',
    );
    // Still alive and answering.
    expect(ok(await client.request('getRouterRtpCapabilities')).rtpCapabilities).toBeDefined();
  });

  it('refuses media parameters mediasoup cannot take with a stable code', async () => {
    const broadcastId = randomUUID();
    const publisher = await suite.sfu.join(broadcastId, 'publish');
    const send = ok(await publisher.request('createWebRtcTransport', { direction: 'send' }));
    const h264 = await publisher.request('produce', {
      transportId: send.id,
      kind: 'video',
      rtpParameters: { codecs: [{ mimeType: 'video/H264', payloadType: 102, clockRate: 90000 }], encodings: [{ ssrc: 1 }] },
    });
    expect(h264.error?.code).toBe('SFU.INVALID_MEDIA_PARAMETERS');
    // With RFC 6184's parameters, as a native client sends them, H.264 is a codec the Routers take.
    const h264Params = (parameters: Record<string, unknown>) =>
      publisher.request('produce', {
        transportId: send.id,
        kind: 'video',
        rtpParameters: { codecs: [{ mimeType: 'video/H264', payloadType: 102, clockRate: 90000, parameters }], encodings: [{ ssrc: 2 }] },
      });
    for (const wrong of [{ 'packetization-mode': '1' }, { 'profile-level-id': 4362271 }, { 'profile-level-id': '42e01f\r\na=x' }, { 'profile-level-id': '42e01f1' }]) {
      expect((await h264Params(wrong)).error?.code).toBe('SFU.INVALID_MEDIA_PARAMETERS');
    }
    const produced = ok(await h264Params({ 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 }));
    expect(produced.id).toBeDefined();
  });

  it('refuses codec parameters that would inject lines into the recording SDP; nothing is produced or recorded', async () => {
    const broadcastId = randomUUID();
    const publisher = await suite.sfu.join(broadcastId, 'publish');
    const send = ok(await publisher.request('createWebRtcTransport', { direction: 'send' }));
    const produce = (codec: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      publisher.request('produce', {
        transportId: send.id,
        kind: 'video',
        rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, ...codec }], encodings: [{ ssrc: 1111 }], ...extra },
      });
    const injected = await produce({ parameters: { 'profile-id': '0\r\nc=IN IP4 192.0.2.1' } });
    expect(injected.error).toMatchObject({
      code: 'SFU.INVALID_MEDIA_PARAMETERS',
      details: { fields: expect.arrayContaining([expect.objectContaining({ field: 'params.rtpParameters.codecs.0.parameters.profile-id' })]) },
    });
    for (const hostile of [
      produce({ parameters: { 'x-google-start-bitrate': '1000\na=sendonly' } }),
      produce({ parameters: { 'a=x\r\n': 1 } }),
      produce({ mimeType: 'video/VP8\r\nm=audio 9 RTP/AVP 0' }),
      produce({ rtcpFeedback: [{ type: 'nack\r\na=x' }] }),
      produce({}, { rtcp: { cname: 'x\r\nc=IN IP4 192.0.2.1' } }),
      produce({}, { mid: '0\n' }),
      produce({}, { encodings: [{ ssrc: 1111, rid: 'r0\n' }] }),
      produce({}, { headerExtensions: [{ uri: 'urn:x\r\n', id: 1 }] }),
    ]) {
      expect((await hostile).error?.code).toBe('SFU.INVALID_MEDIA_PARAMETERS');
    }
    // Nothing reached a Producer, so nothing reaches a recorder or its SDP.
    expect(suite.sfu.runtime.rooms.get(broadcastId as never)!.producers.size).toBe(0);
    // What browsers do send still passes.
    const fine = await produce({ parameters: { 'x-google-start-bitrate': 1000 }, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'goog-remb' }] }, {
      mid: '0',
      rtcp: { cname: 'Ab3+/xyz==', reducedSize: true },
      headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4 }],
    });
    expect(ok(fine).id).toEqual(expect.any(String));
  });
});
