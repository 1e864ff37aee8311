import { startTelemetry } from '@onair/telemetry';
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import { ok, publishTestPattern, sfuSuite, SignalClient } from '../sfu-worker.test-app.js';
import { DEFAULT_FRAME_LIMITS, LIMIT_CLOSE_CODE } from '@onair/websocket';

startTelemetry({ serviceName: 'sfu-worker' });

// One viewer must not be able to fill a node: every way a single client could multiply its
// cost on the SFU is refused with a stable code (SIGNALLING.md, "Limits").
describe('signalling limits: one viewer cannot fill a node', () => {
  const suite = sfuSuite('sfu_limits');
  const { ctx } = suite;
  const consumers = (broadcastId: string) => suite.sfu.runtime.pool.consumerCount(suite.sfu.runtime.rooms.get(broadcastId as never)!.router);

  it('lets a viewer consume each producer once', async () => {
    const broadcastId = randomUUID();
    const publisher = await suite.sfu.join(broadcastId, 'publish');
    const media = await publishTestPattern(ctx, suite.sfu, publisher, broadcastId, { media: false });
    const viewer = await suite.sfu.join(broadcastId, 'consume');
    const caps = ok(await viewer.request('getRouterRtpCapabilities')).rtpCapabilities;
    const recv = ok(await viewer.request('createWebRtcTransport', { direction: 'recv' }));
    const first = ok(await viewer.request('consume', { transportId: recv.id, producerId: media.videoProducerId, rtpCapabilities: caps }));
    const again = await Promise.all(
      Array.from({ length: 5 }, () => viewer.request('consume', { transportId: recv.id, producerId: media.videoProducerId, rtpCapabilities: caps })),
    );
    for (const answer of again) expect(answer.error).toMatchObject({ code: 'SFU.ALREADY_CONSUMING', details: { producerId: media.videoProducerId, consumerId: first.id } });
    expect(consumers(broadcastId)).toBe(1);
    ok(await viewer.request('consume', { transportId: recv.id, producerId: media.audioProducerId, rtpCapabilities: caps }));
    expect(consumers(broadcastId)).toBe(2);
  });

  it('handles pipelined requests in order: one transport per direction, however many are sent at once', async () => {
    const viewer = await suite.sfu.join(randomUUID(), 'consume');
    const answers = await Promise.all(Array.from({ length: 6 }, () => viewer.request('createWebRtcTransport', { direction: 'recv' })));
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    expect(answers.filter((a) => !a.ok).map((a) => a.error?.code)).toEqual(Array(5).fill('SFU.TRANSPORT_EXISTS'));
    // In order: the first sent is the one that got the transport.
    expect(answers[0].ok).toBe(true);
  });

  it('admits one socket per ticket', async () => {
    const broadcastId = randomUUID();
    const ticket = await suite.issuer.sign({ broadcastId, nodeId: suite.sfu.nodeId });
    await SignalClient.join(ctx, suite.sfu.signallingUrl(ticket));
    const again = await SignalClient.connect(ctx, suite.sfu.signallingUrl(ticket));
    expect(await again.closed).toEqual({ code: 4401, reason: 'MEDIA.TICKET_USED' });
    expect(again.frames[0].error?.code).toBe('MEDIA.TICKET_USED');
    expect(suite.sfu.runtime.rooms.get(broadcastId as never)!.viewers).toBe(1);
  });

  it('holds at most a few frames while the ticket is checked, then closes the socket', async () => {
    const url = suite.sfu.signallingUrl(await suite.issuer.sign({ broadcastId: randomUUID(), nodeId: suite.sfu.nodeId }));
    const ws = new WebSocket(url);
    ctx.onCleanup(async () => ws.terminate());
    const frames: Array<{ error?: { code: string } }> = [];
    ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
    const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
    await new Promise((r) => ws.once('open', r));
    // Sent in one go, before the node could have checked the ticket.
    for (let i = 0; i < 200; i++) ws.send(JSON.stringify({ id: i, method: 'getRouterRtpCapabilities' }));
    expect(await closed).toEqual({ code: LIMIT_CLOSE_CODE, reason: 'SIGNAL.TOO_MANY_PENDING' });
    expect(frames.filter((f) => f.error?.code === 'SIGNAL.TOO_MANY_PENDING')).toHaveLength(1);
    expect(frames.length).toBeLessThanOrEqual(DEFAULT_FRAME_LIMITS.maxPending + 2);
  });

  it('closes a socket that sends more frames per second than allowed, even one at a time', async () => {
    const client = await suite.sfu.join(randomUUID(), 'consume');
    let answered = 0;
    for (let i = 0; i < DEFAULT_FRAME_LIMITS.burst + 20 && client.ws.readyState === client.ws.OPEN; i++) {
      const answer = await Promise.race([client.request('getRouterRtpCapabilities'), client.closed.then(() => undefined)]);
      if (answer?.ok) answered++;
    }
    expect(await client.closed).toEqual({ code: LIMIT_CLOSE_CODE, reason: 'SIGNAL.RATE_LIMITED' });
    expect(answered).toBeGreaterThanOrEqual(DEFAULT_FRAME_LIMITS.burst - 2);
    expect(answered).toBeLessThan(DEFAULT_FRAME_LIMITS.burst + 20);
  });

  it('closes a socket that sends a frame over 64 KiB with 1009', async () => {
    const client = await suite.sfu.join(randomUUID(), 'consume');
    client.ws.send(JSON.stringify({ id: 1, method: 'getRouterRtpCapabilities', params: { pad: 'x'.repeat(70 * 1024) } }));
    expect((await client.closed).code).toBe(1009);
  });
});
