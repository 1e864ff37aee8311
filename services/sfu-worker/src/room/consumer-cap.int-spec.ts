import { startTelemetry } from '@onair/telemetry';
import { randomUUID } from 'node:crypto';
import { ok, publishTestPattern, sfuSuite } from '../sfu-worker.test-app.js';

startTelemetry({ serviceName: 'sfu-worker' });

describe('the consumer cap of a router', () => {
  const suite = sfuSuite('sfu_cap', { SFU_MAX_CONSUMERS_PER_ROUTER: '3' });
  const { ctx } = suite;

  async function viewerWithTransport(broadcastId: string) {
    const viewer = await suite.sfu.join(broadcastId, 'consume');
    const caps = ok(await viewer.request('getRouterRtpCapabilities')).rtpCapabilities;
    const recv = ok(await viewer.request('createWebRtcTransport', { direction: 'recv' }));
    const consume = (producerId: string) => viewer.request('consume', { transportId: recv.id, producerId, rtpCapabilities: caps });
    return { viewer, consume };
  }

  it('refuses the consumer past the cap with SFU.ROOM_FULL, also when asked concurrently, and admits again when one goes', async () => {
    const broadcastId = randomUUID();
    const publisher = await suite.sfu.join(broadcastId, 'publish');
    const { videoProducerId, audioProducerId } = await publishTestPattern(ctx, suite.sfu, publisher, broadcastId, { media: false });
    const router = suite.sfu.runtime.rooms.get(broadcastId as never)!.router;

    const ann = await viewerWithTransport(broadcastId);
    ok(await ann.consume(videoProducerId));
    ok(await ann.consume(audioProducerId));
    const bob = await viewerWithTransport(broadcastId);
    // Two at once for the last slot: exactly one gets it.
    const [a, b] = await Promise.all([bob.consume(videoProducerId), bob.consume(audioProducerId)]);
    expect([a, b].filter((f) => f.ok)).toHaveLength(1);
    const refused = [a, b].find((f) => !f.ok)!;
    expect(refused.error).toMatchObject({ code: 'SFU.ROOM_FULL', details: { maxConsumers: 3 } });
    expect(suite.sfu.runtime.pool.consumerCount(router)).toBe(3);

    ok(await ann.viewer.request('leave'));
    await ann.viewer.closed;
    const cat = await viewerWithTransport(broadcastId);
    ok(await cat.consume(videoProducerId));
    expect(suite.sfu.runtime.pool.consumerCount(router)).toBe(2);
  });
});
