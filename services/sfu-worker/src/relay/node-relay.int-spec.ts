import { startTelemetry } from '@onair/telemetry';
import { waitUntil } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import { ok, publishTestPattern, sfuSuite, SignalClient, startSfuWorker, type RunningSfu } from '../sfu-worker.test-app.js';

startTelemetry({ serviceName: 'sfu-worker' });

const SECRET = 'relay-secret-shared-by-the-test-nodes-0123456789';

/**
 * Two real SFU nodes: the publisher on the origin, viewers placed on the other node with
 * tickets naming the origin (`relayFrom`). The other node pulls the broadcast once through a
 * PipeTransport pair over the relay endpoint, however many of its viewers watch.
 */
describe('relaying a broadcast from its publisher\'s node to another node', () => {
  // The origin's Router takes one viewer (2 consumers); relays are counted apart from that cap.
  const suite = sfuSuite('sfu_node_relay', { SFU_RELAY_SECRET: SECRET, SFU_MAX_CONSUMERS_PER_ROUTER: '2' });
  const { ctx } = suite;
  let other: RunningSfu;

  beforeAll(async () => {
    other = await startSfuWorker(ctx, suite.issuer, { SFU_RELAY_SECRET: SECRET });
  });

  const relayUrl = () => `ws://127.0.0.1:${suite.sfu.port}/v1/sfu/relay`;
  const relayFrom = () => ({ nodeId: suite.sfu.nodeId, relayUrl: relayUrl() });

  /** A viewer on the other node, admitted with a ticket that names the origin. */
  async function relayedViewer(broadcastId: string): Promise<SignalClient> {
    const ticket = await suite.issuer.sign({ broadcastId, role: 'consume', nodeId: other.nodeId, relayFrom: relayFrom() });
    return SignalClient.join(ctx, other.signallingUrl(ticket));
  }

  /** How a raw relay connection to the origin ends: its close code and reason. */
  async function relayRefusal(ticket: string, secret: string): Promise<{ code: number; reason: string }> {
    const ws = new WebSocket(`${relayUrl()}?ticket=${ticket}`, { headers: { authorization: `Bearer ${secret}` } });
    return new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  it('pipes the publisher\'s Producers to the other node once, where its viewers consume them', async () => {
    const broadcastId = randomUUID();
    const publisher = await suite.sfu.join(broadcastId, 'publish');
    const { videoProducerId, audioProducerId } = await publishTestPattern(ctx, suite.sfu, publisher, broadcastId);
    const origin = suite.sfu.runtime.rooms.get(broadcastId as never)!;
    // Zoe watches on the origin and fills its Router: a second viewer there is refused.
    const zoe = await suite.sfu.join(broadcastId, 'consume');
    const caps = ok(await zoe.request('getRouterRtpCapabilities')).rtpCapabilities;
    const zoeRecv = ok(await zoe.request('createWebRtcTransport', { direction: 'recv' }));
    for (const producerId of [videoProducerId, audioProducerId]) ok(await zoe.request('consume', { transportId: zoeRecv.id, producerId, rtpCapabilities: caps }));
    const yan = await suite.sfu.join(broadcastId, 'consume');
    const yanRecv = ok(await yan.request('createWebRtcTransport', { direction: 'recv' }));
    expect((await yan.request('consume', { transportId: yanRecv.id, producerId: videoProducerId, rtpCapabilities: caps })).error?.code).toBe('SFU.ROOM_FULL');

    // The full origin still feeds another node, whose viewers watch from there.
    const ann = await relayedViewer(broadcastId);
    const joined = await ann.notification('joined');
    expect(joined.data!.producers.map((p: { producerId: string }) => p.producerId).sort()).toEqual([videoProducerId, audioProducerId].sort());
    const copy = other.runtime.rooms.get(broadcastId as never)!;
    expect(copy.relayedFrom).toBe(suite.sfu.nodeId);
    // The media crosses: the other node's pipe Producer receives the publisher's video.
    const piped = copy.producers.get(videoProducerId)!;
    await waitUntil(async () => (await piped.getStats()).some((s) => (s.byteCount ?? 0) > 0), 15_000, 'video arriving from the origin');

    const rtpCapabilities = ok(await ann.request('getRouterRtpCapabilities')).rtpCapabilities;
    const recv = ok(await ann.request('createWebRtcTransport', { direction: 'recv' }));
    for (const producerId of [videoProducerId, audioProducerId]) ok(await ann.request('consume', { transportId: recv.id, producerId, rtpCapabilities }));

    // A second viewer there reuses the pipe: the origin carries one relay and its 2 pipe consumers.
    const bob = await relayedViewer(broadcastId);
    expect((await bob.notification('joined')).data!.producers).toHaveLength(2);
    expect(origin.participants.filter((m) => m.role === 'relay')).toHaveLength(1);
    expect(suite.sfu.runtime.pool.consumerCount(origin.router)).toBe(2 + 2); // Zoe's and the pipe's
    expect(origin.viewers).toBe(2); // Zoe and Yan: the relay is no viewer
    expect(copy.viewers).toBe(2);

    // The publisher stops its audio: the copy loses it too, and Ann's audio consumer closes.
    origin.producers.get(audioProducerId)!.close();
    const closed = await ann.notification('consumerClosed');
    expect(closed.data!.producerId).toBe(audioProducerId);
    expect([...copy.producers.keys()]).toEqual([videoProducerId]);

    // The broadcast ends on the origin: the other node's viewers are told (with the reason) and its room closes.
    suite.sfu.runtime.rooms.end(broadcastId as never, 'taken_down');
    expect((await ann.notification('broadcastEnded')).data).toEqual({ broadcastId, reason: 'taken_down' });
    await waitUntil(async () => other.runtime.rooms.get(broadcastId as never) === undefined, 10_000, 'the relayed room to close');
  }, 60_000);

  it('closes the pipe when the other node\'s last viewer leaves', async () => {
    const broadcastId = randomUUID();
    const publisher = await suite.sfu.join(broadcastId, 'publish');
    await publishTestPattern(ctx, suite.sfu, publisher, broadcastId, { media: false });
    const origin = suite.sfu.runtime.rooms.get(broadcastId as never)!;
    const ann = await relayedViewer(broadcastId);
    expect(origin.participants.some((m) => m.role === 'relay')).toBe(true);
    ok(await ann.request('leave'));
    await waitUntil(async () => !origin.participants.some((m) => m.role === 'relay'), 10_000, 'the relay to leave the origin');
    expect(suite.sfu.runtime.pool.consumerCount(origin.router)).toBe(0);
    expect(origin.closed).toBe(false); // the publisher is still there
  }, 30_000);

  it('closes the relayed room with SFU.ORIGIN_LOST when the origin goes, so its viewers ask for a new ticket', async () => {
    const broadcastId = randomUUID();
    const publisher = await suite.sfu.join(broadcastId, 'publish');
    await publishTestPattern(ctx, suite.sfu, publisher, broadcastId, { media: false });
    const ann = await relayedViewer(broadcastId);
    // The origin node stops (its rooms close for shutdown): the relay ends under the copy.
    suite.sfu.runtime.rooms.get(broadcastId as never)!.close('shutdown');
    expect(await ann.closed).toEqual({ code: 1013, reason: 'SFU.ORIGIN_LOST' });
    await waitUntil(async () => other.runtime.rooms.get(broadcastId as never) === undefined, 10_000, 'the relayed room to close');
  }, 30_000);

  it('refuses a relay without the secret, for another origin, or of a broadcast the origin does not host', async () => {
    const broadcastId = randomUUID();
    const publisher = await suite.sfu.join(broadcastId, 'publish');
    await publishTestPattern(ctx, suite.sfu, publisher, broadcastId, { media: false });
    const good = await suite.issuer.sign({ broadcastId, role: 'consume', nodeId: other.nodeId, relayFrom: relayFrom() });
    expect(await relayRefusal(good, 'not-the-secret')).toEqual({ code: 4401, reason: 'SFU.RELAY_NOT_ALLOWED' });
    const elsewhere = await suite.issuer.sign({ broadcastId, role: 'consume', nodeId: other.nodeId, relayFrom: { nodeId: 'node-x', relayUrl: relayUrl() } });
    expect(await relayRefusal(elsewhere, SECRET)).toEqual({ code: 4403, reason: 'MEDIA.TICKET_WRONG_NODE' });
    const plain = await suite.issuer.sign({ broadcastId, role: 'consume', nodeId: suite.sfu.nodeId });
    expect(await relayRefusal(plain, SECRET)).toEqual({ code: 4403, reason: 'MEDIA.TICKET_WRONG_NODE' });

    // A viewer placed on the other node for a broadcast the origin does not have: the join fails
    // with a code that sends the viewer back to stream-sessions.
    const nowhere = randomUUID();
    const ticket = await suite.issuer.sign({ broadcastId: nowhere, role: 'consume', nodeId: other.nodeId, relayFrom: relayFrom() });
    const refused = await SignalClient.connect(ctx, other.signallingUrl(ticket));
    expect((await refused.nextFrame(0)).error?.code).toBe('SFU.RELAY_UNAVAILABLE');
    expect((await refused.closed).code).toBe(4503);
    expect(other.runtime.rooms.get(nowhere as never)).toBeUndefined();
  }, 30_000);

  it('pulls a Producer the origin adds right after the relay joined, while the relay is still making its pipe', async () => {
    const broadcastId = randomUUID();
    const publisher = await suite.sfu.join(broadcastId, 'publish');
    await publishTestPattern(ctx, suite.sfu, publisher, broadcastId, { media: false });
    const origin = suite.sfu.runtime.rooms.get(broadcastId as never)!;
    const direct = await origin.router.createDirectTransport();
    const late = await direct.produce({
      kind: 'audio',
      rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 1111 }] },
    });
    // Its producerAdded leaves just after the relay's joined: the other node is then creating
    // its PipeTransport (a worker round trip), and used to drop it.
    const join = origin.join.bind(origin);
    origin.join = (member) => {
      join(member);
      if (member.role === 'relay') setImmediate(() => origin.addProducer(undefined, late));
    };
    await relayedViewer(broadcastId);
    const copy = other.runtime.rooms.get(broadcastId as never)!;
    await waitUntil(async () => copy.producers.has(late.id), 10_000, 'the late Producer piped to the other node');
    expect(copy.producers.size).toBe(3);
  }, 30_000);

  it('lets a relay wait for a room that went down with its worker until the publisher opens it again, and not longer', async () => {
    /** The origin's mediasoup worker SIGKILLed under a live broadcast; resolves once its publisher was told. */
    const killOriginWorker = async (publisher: SignalClient, broadcastId: string) => {
      process.kill(suite.sfu.runtime.rooms.get(broadcastId as never)!.worker.worker.pid, 'SIGKILL');
      expect(await publisher.closed).toEqual({ code: 1012, reason: 'SFU.WORKER_DIED' });
      await waitUntil(async () => suite.sfu.runtime.pool.workers.length === 1, 10_000, 'the worker to be replaced');
    };

    // The publisher does not come back: the relay is refused once REOPEN_WAIT_MS (5 s) are up.
    const gone = randomUUID();
    const gonePublisher = await suite.sfu.join(gone, 'publish');
    await publishTestPattern(ctx, suite.sfu, gonePublisher, gone, { media: false });
    const killedAt = Date.now();
    await killOriginWorker(gonePublisher, gone);
    const ticket = await suite.issuer.sign({ broadcastId: gone, role: 'consume', nodeId: other.nodeId, relayFrom: relayFrom() });
    const refused = await SignalClient.connect(ctx, other.signallingUrl(ticket));
    expect((await refused.nextFrame(0)).error?.code).toBe('SFU.RELAY_UNAVAILABLE');
    expect(Date.now() - killedAt).toBeGreaterThan(4000);

    // The publisher rejoins 1 s after the death: the waiting relay opens at once, and media flows.
    const broadcastId = randomUUID();
    const first = await suite.sfu.join(broadcastId, 'publish');
    await publishTestPattern(ctx, suite.sfu, first, broadcastId, { media: false });
    await killOriginWorker(first, broadcastId);
    const ann = relayedViewer(broadcastId);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const rejoinedAt = Date.now();
    const publisher = await suite.sfu.join(broadcastId, 'publish');
    const { videoProducerId } = await publishTestPattern(ctx, suite.sfu, publisher, broadcastId);
    await ann;
    expect(Date.now() - rejoinedAt).toBeLessThan(4000);
    const copy = other.runtime.rooms.get(broadcastId as never)!;
    expect(copy.relayedFrom).toBe(suite.sfu.nodeId);
    await waitUntil(async () => (await copy.producers.get(videoProducerId)?.getStats())?.some((st) => (st.byteCount ?? 0) > 0) ?? false, 15_000, 'video arriving from the reopened origin');
  }, 60_000);

  // Last: the origin stays draining for the rest of this suite.
  it('keeps relaying the broadcasts a draining origin hosts, while it refuses new viewers with SFU.DRAINING', async () => {
    const broadcastId = randomUUID();
    const publisher = await suite.sfu.join(broadcastId, 'publish');
    const { videoProducerId } = await publishTestPattern(ctx, suite.sfu, publisher, broadcastId);
    await suite.sfu.runtime.startDraining();
    const direct = await SignalClient.connect(ctx, suite.sfu.signallingUrl(await suite.issuer.sign({ broadcastId, role: 'consume', nodeId: suite.sfu.nodeId })));
    expect((await direct.nextFrame(0)).error?.code).toBe('SFU.DRAINING');
    expect((await direct.closed).code).toBe(4503);
    // A viewer placed on the other node still gets the broadcast, with media, through the origin.
    const ann = await relayedViewer(broadcastId);
    expect((await ann.notification('joined')).data!.producers.map((p: { producerId: string }) => p.producerId)).toContain(videoProducerId);
    const piped = other.runtime.rooms.get(broadcastId as never)!.producers.get(videoProducerId)!;
    await waitUntil(async () => (await piped.getStats()).some((s) => (s.byteCount ?? 0) > 0), 15_000, 'video arriving from the draining origin');
  }, 30_000);
});
