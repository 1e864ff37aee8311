import { AudienceReportedEvent, NodeLoadReportedEvent, PublisherJoinedEvent, PublisherLeftEvent } from '@onair/contracts';
import { startTelemetry } from '@onair/telemetry';
import { EventCollector, waitUntil } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { ok, publishTestPattern, sfuSuite } from '../sfu-worker.test-app.js';

startTelemetry({ serviceName: 'sfu-worker' });

describe('events the SFU publishes to Kafka', () => {
  const suite = sfuSuite('sfu_events', { SFU_WORKERS: '2', SFU_SIGNALLING_URL: 'wss://sfu-7.example.org/v1/sfu/signal' });
  const { ctx } = suite;

  it('publishes PublisherJoined at the first producer and PublisherLeft when the publisher socket is gone', async () => {
    const [joined, left] = await Promise.all([EventCollector.start(ctx, PublisherJoinedEvent), EventCollector.start(ctx, PublisherLeftEvent)]);
    const broadcastId = randomUUID();
    const publisherId = randomUUID();
    const publisher = await suite.sfu.join(broadcastId, 'publish', publisherId);
    await publishTestPattern(ctx, suite.sfu, publisher, broadcastId, { media: false });
    const [event] = await joined.waitFor(1);
    expect(event.key).toBe(broadcastId);
    expect(event.message).toMatchObject({ broadcastId, publisherId, nodeId: suite.sfu.nodeId });
    expect(event.headers).toMatchObject({ ce_type: 'sfu.publisher_joined.v1' });

    publisher.ws.terminate(); // the network goes, no leave
    const [gone] = await left.waitFor(1);
    expect(gone.message).toMatchObject({ broadcastId, publisherId, nodeId: suite.sfu.nodeId });
    await new Promise((r) => setTimeout(r, 500));
    expect(joined.events).toHaveLength(1); // one per arrival, not one per producer
    expect(left.events).toHaveLength(1);
  });

  it('reports the audience every interval per broadcast with viewers, not per join, then a final zero', async () => {
    const audience = await EventCollector.start(ctx, AudienceReportedEvent);
    const broadcastId = randomUUID();
    const viewers = await Promise.all([suite.sfu.join(broadcastId, 'consume'), suite.sfu.join(broadcastId, 'consume'), suite.sfu.join(broadcastId, 'consume')]);
    const quiet = randomUUID();
    await suite.sfu.join(quiet, 'publish'); // a room without viewers reports nothing
    await waitUntil(() => audience.events.filter((e) => e.message.viewers === 3).length >= 2, 15_000, 'two reports of 3 viewers');
    const reports = audience.events.filter((e) => e.message.broadcastId === broadcastId);
    expect(reports.every((e) => e.key === broadcastId && e.message.nodeId === suite.sfu.nodeId)).toBe(true);
    expect(audience.events.some((e) => e.message.broadcastId === quiet)).toBe(false);
    for (const v of viewers) ok(await v.request('leave'));
    await waitUntil(() => audience.events.some((e) => e.message.broadcastId === broadcastId && e.message.viewers === 0), 15_000, 'a final report of 0');
  });

  it('reports node load per worker: routers, consumers, CPU, bitrate, and where to signal', async () => {
    const loads = await EventCollector.start(ctx, NodeLoadReportedEvent);
    const broadcastId = randomUUID();
    const publisher = await suite.sfu.join(broadcastId, 'publish');
    const media = await publishTestPattern(ctx, suite.sfu, publisher, broadcastId);
    const viewer = await suite.sfu.join(broadcastId, 'consume');
    const caps = ok(await viewer.request('getRouterRtpCapabilities')).rtpCapabilities;
    const recv = ok(await viewer.request('createWebRtcTransport', { direction: 'recv' }));
    ok(await viewer.request('consume', { transportId: recv.id, producerId: media.videoProducerId, rtpCapabilities: caps }));
    // The worker forwarding the stream spends measurable CPU on it; an idle one reads 0.
    const busy = (e: (typeof loads.events)[number]) => e.message.workers.some((w) => w.consumers === 1 && w.bitrateBps > 100_000n && w.cpuPercent > 0);
    await waitUntil(() => loads.events.some(busy), 20_000, "a load report with the consumer, the incoming bitrate and the worker's CPU");
    const report = loads.events.find(busy)!;
    expect(report.key).toBe(suite.sfu.nodeId);
    expect(report.message).toMatchObject({ nodeId: suite.sfu.nodeId, signallingUrl: 'wss://sfu-7.example.org/v1/sfu/signal' });
    expect(report.message.workers).toHaveLength(2);
    expect(report.message.consumerCapacity).toBe(2 * suite.sfu.runtime.config.media.maxConsumersPerRouter);
    const worker = report.message.workers.find((w) => w.consumers === 1)!;
    expect(worker.routers).toBeGreaterThanOrEqual(1);
    expect(worker.pid).toBeGreaterThan(0);
    expect(worker.cpuPercent).toBeGreaterThan(0);
    expect(worker.cpuPercent).toBeLessThanOrEqual(100);
    await media.stop();

    const metrics = await (await fetch(`http://127.0.0.1:${suite.sfu.port}/metrics`)).text();
    expect(metrics).toMatch(/sfu_rooms\S* \d/);
    expect(metrics).toMatch(/sfu_worker_consumers\{[^}]*worker="\d"[^}]*\} \d/);
    expect(metrics).toMatch(/sfu_worker_cpu_percent/);
    expect(metrics).toMatch(/sfu_participants\{[^}]*role="viewer"/);
  });

  // Last: the node stays draining for the rest of this suite.
  it('says in its load reports that it drains, at once when draining starts', async () => {
    const loads = await EventCollector.start(ctx, NodeLoadReportedEvent);
    await waitUntil(() => loads.events.length > 0, 10_000, 'a load report');
    expect(loads.events.every((e) => !e.message.draining)).toBe(true);
    const before = loads.events.length;
    // Far longer than the test's 500 ms interval: the first draining report must not wait for it.
    suite.sfu.runtime.reporter.stop();
    await suite.sfu.runtime.startDraining();
    await waitUntil(() => loads.events.length > before && loads.events.at(-1)!.message.draining, 5_000, 'a draining report');
  });
});
