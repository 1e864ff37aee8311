import { startTelemetry } from '@onair/telemetry';
import { waitUntil } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { ok, sfuSuite } from '../sfu-worker.test-app.js';
import { plainViewer, publishSimulcast, THREE_LAYERS } from './simulcast-feed.test-app.js';

startTelemetry({ serviceName: 'sfu-worker' });

/**
 * VP8 simulcast through a real mediasoup worker: the viewer is sent one layer, chosen by
 * mediasoup from what the publisher sends and what the viewer prefers, and told which.
 * The frames a viewer receives are checked by their size (the VP8 key-frame header).
 */
describe('simulcast layer selection', () => {
  const suite = sfuSuite('sfu_simulcast');
  const { ctx } = suite;

  it('sends the best layer the publisher sends, honours a preferred layer, and steps down when the top layer stops', async () => {
    const broadcastId = randomUUID();
    const publisher = await suite.sfu.join(broadcastId, 'publish');
    const feed = await publishSimulcast(ctx, suite.sfu, publisher, broadcastId);
    const client = await suite.sfu.join(broadcastId, 'consume');
    const viewer = await plainViewer(ctx, suite.sfu, client, broadcastId);
    const consumer = await viewer.consume(feed.producerId);
    expect(consumer.type).toBe('simulcast');

    const layersNow = () => client.notifications.filter((n) => n.notification === 'consumerLayersChanged').at(-1)?.data;
    const receiving = async (spatialLayer: number, what: string) => {
      const { width, height } = THREE_LAYERS[spatialLayer];
      await waitUntil(
        () => layersNow()?.spatialLayer === spatialLayer && viewer.lastKeyFrameSize()?.width === width && viewer.lastKeyFrameSize()?.height === height,
        20_000,
        `${what}: layer ${spatialLayer} (${width}x${height}), now ${JSON.stringify(layersNow())} ${JSON.stringify(viewer.lastKeyFrameSize())}`,
      );
      expect(layersNow()).toEqual({ consumerId: consumer.id, spatialLayer, temporalLayer: 0 });
    };

    await receiving(2, 'no preference: the top layer');
    ok(await client.request('setPreferredLayers', { consumerId: consumer.id, spatialLayer: 0 }));
    await receiving(0, 'preferring the lowest layer');
    ok(await client.request('setPreferredLayers', { consumerId: consumer.id, spatialLayer: 2 }));
    await receiving(2, 'preferring the top layer again');
    // The publisher's uplink shrinks and it stops its top layer: mediasoup moves the viewer down.
    await feed.stopLayer(2);
    await receiving(1, 'the top layer gone');
  }, 90_000);

  it('refuses a layer outside 0..2 with REQUEST.VALIDATION_FAILED and an unknown consumer with SFU.CONSUMER_NOT_FOUND', async () => {
    const broadcastId = randomUUID();
    const publisher = await suite.sfu.join(broadcastId, 'publish');
    const feed = await publishSimulcast(ctx, suite.sfu, publisher, broadcastId);
    const client = await suite.sfu.join(broadcastId, 'consume');
    const consumer = await (await plainViewer(ctx, suite.sfu, client, broadcastId)).consume(feed.producerId);
    const bad = await client.request('setPreferredLayers', { consumerId: consumer.id, spatialLayer: 7 });
    expect(bad.error?.code).toBe('REQUEST.VALIDATION_FAILED');
    const unknown = await client.request('setPreferredLayers', { consumerId: randomUUID(), spatialLayer: 0 });
    expect(unknown.error?.code).toBe('SFU.CONSUMER_NOT_FOUND');
  }, 60_000);
});
