import { startTelemetry } from '@onair/telemetry';
import { waitUntil } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { ok, publishTestPattern, sfuSuite } from '../sfu-worker.test-app.js';

startTelemetry({ serviceName: 'sfu-worker' });

/**
 * A broadcast outgrowing one Router: with two workers and a cap of 4 consumers per Router,
 * the first Router keeps 2 slots for the pipes to the second worker, so it takes one viewer
 * (video + audio); the next viewers go to a Router on the other worker, fed through a pipe;
 * when both are full, SFU.ROOM_FULL. No Router ever holds more than 4 consumers.
 */
describe('relaying a broadcast across the workers of a node', () => {
  const CAP = 4;
  const suite = sfuSuite('sfu_relay', { SFU_WORKERS: '2', SFU_MAX_CONSUMERS_PER_ROUTER: String(CAP) });
  const { ctx } = suite;

  /** A viewer's transport (its ICE candidate names the worker's WebRtcServer port) and its two consumes. */
  async function viewer(broadcastId: string, producers: string[]) {
    const client = await suite.sfu.join(broadcastId, 'consume');
    const rtpCapabilities = ok(await client.request('getRouterRtpCapabilities')).rtpCapabilities;
    const recv = ok(await client.request('createWebRtcTransport', { direction: 'recv' }));
    const answers = [];
    for (const producerId of producers) answers.push(await client.request('consume', { transportId: recv.id, producerId, rtpCapabilities }));
    return { port: recv.iceCandidates[0].port as number, answers };
  }

  it('puts viewers past the first Router on a piped Router of the other worker, up to the cap of each', async () => {
    const broadcastId = randomUUID();
    const publisher = await suite.sfu.join(broadcastId, 'publish');
    const { videoProducerId, audioProducerId } = await publishTestPattern(ctx, suite.sfu, publisher, broadcastId);
    const producers = [videoProducerId, audioProducerId];
    const room = suite.sfu.runtime.rooms.get(broadcastId as never)!;
    const [first, other] = [room.worker, suite.sfu.runtime.pool.workers.find((w) => w !== room.worker)!];

    const ann = await viewer(broadcastId, producers);
    expect(ann.answers.every((a) => a.ok)).toBe(true);
    const bob = await viewer(broadcastId, producers);
    const cat = await viewer(broadcastId, producers);
    expect([bob, cat].flatMap((v) => v.answers).every((a) => a.ok)).toBe(true);
    // Ann on the first worker's WebRtcServer port, Bob and Cat on the other's.
    const basePort = suite.sfu.runtime.config.media.rtcPortBase;
    expect(ann.port).toBe(basePort + first.index);
    expect([bob.port, cat.port]).toEqual([basePort + other.index, basePort + other.index]);

    const dan = await viewer(broadcastId, producers);
    expect(dan.answers[0].error?.code).toBe('SFU.ROOM_FULL');

    const counts = room.routers.map(({ router }) => suite.sfu.runtime.pool.consumerCount(router));
    expect(counts).toEqual([CAP, CAP]); // first: Ann's 2 + 2 pipe consumers; other: Bob's and Cat's
    // The media reaches the other worker through the pipe.
    const piped = other.producers.get(videoProducerId)!.producer;
    await waitUntil(async () => (await piped.getStats()).some((s) => (s.byteCount ?? 0) > 0), 15_000, 'video arriving through the pipe');

    // The broadcast ends: every Router of the room closes, on both workers.
    suite.sfu.runtime.rooms.end(broadcastId as never);
    expect(first.routers.size + other.routers.size).toBe(0);
  }, 90_000);
});
