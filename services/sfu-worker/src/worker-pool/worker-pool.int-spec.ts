import { startTelemetry } from '@onair/telemetry';
import { waitUntil } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { ok, sfuSuite } from '../sfu-worker.test-app.js';

startTelemetry({ serviceName: 'sfu-worker' });

describe('the worker pool: one mediasoup worker per core, each with a WebRtcServer on a fixed port', () => {
  const suite = sfuSuite('sfu_pool', { SFU_WORKERS: '2', SFU_ANNOUNCED_IP: '203.0.113.7' });

  it('spreads rooms over the workers and gives each transport its worker port and the announced address', async () => {
    const base = suite.sfu.runtime.config.media.rtcPortBase;
    const ports = new Set<number>();
    for (let i = 0; i < 2; i++) {
      const broadcastId = randomUUID();
      const publisher = await suite.sfu.join(broadcastId, 'publish');
      const t = ok(await publisher.request('createWebRtcTransport', { direction: 'send' }));
      expect(t.iceCandidates.every((c: { ip: string }) => c.ip === '203.0.113.7')).toBe(true);
      ports.add(t.iceCandidates[0].port);
    }
    expect(ports).toEqual(new Set([base, base + 1]));
    expect(suite.sfu.runtime.pool.workers.map((w) => w.routers.size)).toEqual([1, 1]);
  });

  it('reports a dead worker, closes its rooms (sockets told to reconnect) and replaces it on the same port', async () => {
    const broadcastId = randomUUID();
    const viewer = await suite.sfu.join(broadcastId);
    const room = suite.sfu.runtime.rooms.get(broadcastId as never)!;
    const dead = room.worker;
    const died = new Promise((r) => suite.sfu.runtime.pool.once('workerDied', r));
    process.kill(dead.worker.pid, 'SIGKILL');
    await died;
    expect(await viewer.closed).toEqual({ code: 1012, reason: 'SFU.WORKER_DIED' });
    expect(suite.sfu.runtime.rooms.get(broadcastId as never)).toBeUndefined();
    await waitUntil(() => suite.sfu.runtime.pool.workers.length === 2, 10_000, 'the replacement worker');
    const replacement = suite.sfu.runtime.pool.workers.find((w) => w.index === dead.index)!;
    expect(replacement.worker.pid).not.toBe(dead.worker.pid);

    // The room comes back on a live worker for the next participant.
    const again = await suite.sfu.join(broadcastId, 'publish');
    const t = ok(await again.request('createWebRtcTransport', { direction: 'send' }));
    expect([suite.sfu.runtime.config.media.rtcPortBase, suite.sfu.runtime.config.media.rtcPortBase + 1]).toContain(t.iceCandidates[0].port);
    const metrics = await (await fetch(`http://127.0.0.1:${suite.sfu.port}/metrics`)).text();
    expect(metrics).toMatch(/sfu_worker_deaths_total\{[^}]*\} 1/);
    expect((await fetch(`http://127.0.0.1:${suite.sfu.port}/readyz`)).status).toBe(200);
  });
});
