import { startTelemetry } from '@onair/telemetry';
import { waitUntil } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { ok, publishTestPattern, sfuSuite } from '../sfu-worker.test-app.js';

startTelemetry({ serviceName: 'sfu-worker' });

/** The gauge's one sample on /metrics, under exactly the name the HPA's Pods metric asks for. */
async function scrapeLoadRatio(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  expect(text).toMatch(/^# TYPE sfu_load_ratio gauge$/m);
  const samples = [...text.matchAll(/^sfu_load_ratio(?:\{[^}]*\})? (\S+)$/gm)];
  expect(samples).toHaveLength(1);
  return Number(samples[0][1]);
}

describe('sfu_load_ratio: the load figure the HPA scales SFU pods on', () => {
  // One worker of 4 consumers: one viewer (video + audio) is half the node.
  const suite = sfuSuite('sfu_load_ratio', { SFU_WORKERS: '1', SFU_MAX_CONSUMERS_PER_ROUTER: '4' });

  it('is on /metrics, in [0, 1], and rises with consumers / capacity as viewers consume', async () => {
    const idle = await scrapeLoadRatio(suite.sfu.port);
    expect(idle).toBeGreaterThanOrEqual(0);
    expect(idle).toBeLessThan(0.5); // no consumers: only the idle worker's CPU

    const broadcastId = randomUUID();
    const publisher = await suite.sfu.join(broadcastId, 'publish');
    const media = await publishTestPattern(suite.ctx, suite.sfu, publisher, broadcastId, { media: false });
    const viewer = await suite.sfu.join(broadcastId, 'consume');
    const caps = ok(await viewer.request('getRouterRtpCapabilities')).rtpCapabilities;
    const recv = ok(await viewer.request('createWebRtcTransport', { direction: 'recv' }));
    for (const producerId of [media.videoProducerId, media.audioProducerId]) {
      ok(await viewer.request('consume', { transportId: recv.id, producerId, rtpCapabilities: caps }));
    }
    const busy = await scrapeLoadRatio(suite.sfu.port);
    expect(busy).toBeGreaterThanOrEqual(0.5); // 2 of 4 consumers, or the worker's CPU if higher
    expect(busy).toBeLessThanOrEqual(1);
    expect(busy).toBeGreaterThan(idle);

    ok(await viewer.request('leave'));
    await waitUntil(async () => (await scrapeLoadRatio(suite.sfu.port)) < 0.5, 10_000, 'the ratio to fall back when the viewer leaves');
  });

  it('reads 1 once the node drains: placement sends it nobody', async () => {
    await suite.sfu.runtime.startDraining();
    expect(await scrapeLoadRatio(suite.sfu.port)).toBe(1);
  });
});
