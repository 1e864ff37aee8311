import { createWorker, type types } from 'mediasoup';
import { readFileSync } from 'node:fs';
import { testInfra } from './test-infra.js';

// Smoke test of the mediasoup worker binary that tools/onair builds from source and caches.
describe('mediasoup worker from tools/onair', () => {
  let worker: types.Worker | undefined;
  afterAll(() => worker?.close());

  it('starts the cached worker binary and creates a router with VP8 and Opus', async () => {
    // tools/onair installs the binary it built into node_modules/mediasoup; it must be that one.
    const cached = testInfra().mediasoupWorkerBin!;
    const installed = require.resolve('mediasoup/package.json').replace('package.json', 'worker/out/Release/mediasoup-worker');
    expect(readFileSync(installed).equals(readFileSync(cached))).toBe(true);
    worker = await createWorker({ logLevel: 'warn', rtcMinPort: 40000, rtcMaxPort: 40100 });
    expect(worker.pid).toBeGreaterThan(0);
    const router = await worker.createRouter({
      mediaCodecs: [
        { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
        { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
      ],
    });
    expect(router.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(router.rtpCapabilities.codecs?.map((c) => c.mimeType)).toEqual(expect.arrayContaining(['audio/opus', 'video/VP8']));
    const usage = await worker.getResourceUsage();
    expect(usage.ru_maxrss).toBeGreaterThan(0);
  });
});
