import { startTelemetry } from '@onair/telemetry';
import { TestContext, waitUntil } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { ok, startSfuWorker, startTicketIssuer, type RunningSfu, type TicketIssuer } from '../sfu-worker.test-app.js';

startTelemetry({ serviceName: 'sfu-worker' });

describe('the worker pool: one mediasoup worker per core, each with a WebRtcServer on a fixed port', () => {
  const ctx = TestContext.create('sfu_pool');
  let issuer: TicketIssuer;
  let sfu: RunningSfu;

  beforeAll(async () => {
    issuer = await startTicketIssuer(ctx);
    sfu = await startSfuWorker(ctx, issuer, { SFU_WORKERS: '2', SFU_ANNOUNCED_IP: '203.0.113.7' });
  });
  afterAll(() => ctx.cleanup());

  it('spreads rooms over the workers and gives each transport its worker port and the announced address', async () => {
    const base = sfu.runtime.config.media.rtcPortBase;
    const ports = new Set<number>();
    for (let i = 0; i < 2; i++) {
      const broadcastId = randomUUID();
      const publisher = await sfu.join(broadcastId, 'publish');
      const t = ok(await publisher.request('createWebRtcTransport', { direction: 'send' }));
      expect(t.iceCandidates.every((c: { ip: string }) => c.ip === '203.0.113.7')).toBe(true);
      ports.add(t.iceCandidates[0].port);
    }
    expect(ports).toEqual(new Set([base, base + 1]));
    expect(sfu.runtime.pool.workers.map((w) => w.routers.size)).toEqual([1, 1]);
  });

  it('reports a dead worker, closes its rooms (sockets told to reconnect) and replaces it on the same port', async () => {
    const broadcastId = randomUUID();
    const viewer = await sfu.join(broadcastId);
    const room = sfu.runtime.rooms.get(broadcastId as never)!;
    const dead = room.worker;
    const died = new Promise((r) => sfu.runtime.pool.once('workerDied', r));
    process.kill(dead.worker.pid, 'SIGKILL');
    await died;
    expect(await viewer.closed).toEqual({ code: 1012, reason: 'SFU.WORKER_DIED' });
    expect(sfu.runtime.rooms.get(broadcastId as never)).toBeUndefined();
    await waitUntil(() => sfu.runtime.pool.workers.length === 2, 10_000, 'the replacement worker');
    const replacement = sfu.runtime.pool.workers.find((w) => w.index === dead.index)!;
    expect(replacement.worker.pid).not.toBe(dead.worker.pid);

    // The room comes back on a live worker for the next participant.
    const again = await sfu.join(broadcastId, 'publish');
    const t = ok(await again.request('createWebRtcTransport', { direction: 'send' }));
    expect([sfu.runtime.config.media.rtcPortBase, sfu.runtime.config.media.rtcPortBase + 1]).toContain(t.iceCandidates[0].port);
    const metrics = await (await fetch(`http://127.0.0.1:${sfu.port}/metrics`)).text();
    expect(metrics).toMatch(/sfu_worker_deaths_total\{[^}]*\} 1/);
    expect((await fetch(`http://127.0.0.1:${sfu.port}/readyz`)).status).toBe(200);
  });
});
