import { timestampNow } from '@bufbuild/protobuf/wkt';
import { Logger } from '@nestjs/common';
import { AudienceReportedEvent, NodeLoadReportedEvent } from '@onair/contracts';
import { meter } from '@onair/telemetry';
import type { Rooms } from '../room/rooms.js';
import { loadRatio } from './load-ratio.js';
import type { PooledWorker, WorkerPool } from '../worker-pool/worker-pool.js';
import type { EventPublisher } from '@onair/kafka';

export interface WorkerSample {
  index: number;
  pid: number;
  routers: number;
  consumers: number;
  cpuPercent: number;
  bitrateBps: number;
}

interface CpuMark {
  pid: number;
  cpuMs: number;
  at: number;
}

/**
 * Every few seconds: NodeLoadReported (per worker: routers, consumers, CPU from
 * getResourceUsage() deltas, bitrate from producer stats and fan-out) and AudienceReported for each
 * broadcast with viewers, plus the same figures as Prometheus gauges. Viewer joins publish
 * nothing by themselves: a viral broadcast costs one event per interval, not one per join.
 */
export class LoadReporter {
  private readonly log = new Logger('LoadReporter');
  private readonly cpu = new Map<number, CpuMark>();
  private draining = false;
  /** Broadcasts whose last report had viewers: they get one final report when that drops to 0. */
  private readonly watched = new Set<string>();
  private timer?: NodeJS.Timeout;
  private samples: WorkerSample[] = [];

  constructor(
    private readonly pool: WorkerPool,
    private readonly rooms: Rooms,
    private readonly events: EventPublisher,
    private readonly node: { nodeId: string; signallingUrl: string; relayUrl: string; maxConsumersPerRouter: number; intervalMs: number },
  ) {
    this.registerGauges();
  }

  start(): void {
    this.timer = setInterval(() => void this.report().catch((err: Error) => this.log.error(err.message)), this.node.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * The node starts shutting down: every report from now on says so, the first one at once, so
   * placement stops sending publishers and viewers here within a Kafka round trip, not an interval.
   */
  async drain(): Promise<void> {
    this.draining = true;
    await this.report();
  }

  async report(): Promise<void> {
    this.samples = await Promise.all(this.pool.workers.map((w) => this.sample(w)));
    this.events.publishInBackground(NodeLoadReportedEvent, {
      nodeId: this.node.nodeId,
      signallingUrl: this.node.signallingUrl,
      relayUrl: this.node.relayUrl,
      workers: this.samples.map(({ pid, routers, consumers, cpuPercent, bitrateBps }) => ({
        pid,
        routers,
        consumers,
        cpuPercent,
        bitrateBps: BigInt(Math.round(bitrateBps)),
      })),
      // One full router per worker is what one core is sized for.
      consumerCapacity: this.samples.length * this.node.maxConsumersPerRouter,
      draining: this.draining,
      relays: this.rooms.all.filter((room) => room.relayedFrom && !room.closed).map((room) => ({ broadcastId: room.broadcastId, parentNodeId: room.relayedFrom! })),
      at: timestampNow(),
    });
    const live = new Set<string>();
    for (const room of this.rooms.all) {
      const viewers = room.viewers;
      if (viewers > 0) live.add(room.broadcastId);
      if (viewers > 0 || this.watched.has(room.broadcastId)) this.audience(room.broadcastId, viewers);
    }
    for (const id of this.watched) if (!live.has(id) && !this.rooms.get(id as never)) this.audience(id, 0);
    this.watched.clear();
    for (const id of live) this.watched.add(id);
  }

  private audience(broadcastId: string, viewers: number): void {
    this.events.publishInBackground(AudienceReportedEvent, { broadcastId, nodeId: this.node.nodeId, viewers, at: timestampNow() });
  }

  private async sample(w: PooledWorker): Promise<WorkerSample> {
    const usage = await w.worker.getResourceUsage();
    const now = Date.now();
    const cpuMs = usage.ru_utime + usage.ru_stime;
    const last = this.cpu.get(w.index);
    const cpuPercent = last && last.pid === w.worker.pid && now > last.at ? (100 * (cpuMs - last.cpuMs)) / (now - last.at) : 0;
    this.cpu.set(w.index, { pid: w.worker.pid, cpuMs, at: now });
    // Each packet a Producer receives leaves once per Consumer: the worker's bitrate follows from
    // the producers' receive bitrate, a handful of stats requests however many viewers there are.
    const fanouts = await Promise.all(
      [...w.producers.values()].map(async ({ producer, consumers }) => {
        const stats = await producer.getStats().catch(() => []);
        return stats.reduce((sum, s) => sum + (s.bitrate ?? 0), 0) * (1 + consumers);
      }),
    );
    const bitrateBps = fanouts.reduce((sum, b) => sum + b, 0);
    return {
      index: w.index,
      pid: w.worker.pid,
      routers: w.routers.size,
      consumers: this.pool.workerConsumers(w),
      cpuPercent: Math.max(0, Math.round(cpuPercent * 10) / 10),
      bitrateBps,
    };
  }

  /** This node's sfu_load_ratio now: live consumers, the workers' CPU of the last interval. */
  loadRatio(): number {
    return loadRatio({
      consumers: this.pool.workers.reduce((sum, w) => sum + this.pool.workerConsumers(w), 0),
      consumerCapacity: this.pool.workers.length * this.node.maxConsumersPerRouter,
      workerCpuPercents: this.samples.map((s) => s.cpuPercent),
      draining: this.draining,
    });
  }

  private registerGauges(): void {
    const m = meter('sfu-worker');
    // No unit on purpose: the Prometheus exporter would append it to the name, and the HPA's
    // Pods metric (through the Prometheus adapter) asks for exactly `sfu_load_ratio`.
    m.createObservableGauge('sfu_load_ratio', {
      description: "Share of this node's room for new viewers in use (0-1; 1 when full or draining): the autoscaling signal",
    }).addCallback((r) => r.observe(this.loadRatio()));
    m.createObservableGauge('sfu_rooms', { description: 'Rooms (broadcasts) on this node' }).addCallback((r) =>
      r.observe(this.rooms.all.length),
    );
    m.createObservableGauge('sfu_participants', { description: 'Signalling participants by role' }).addCallback((r) => {
      let viewers = 0;
      let publishers = 0;
      for (const room of this.rooms.all) {
        viewers += room.viewers;
        publishers += room.participants.length - room.viewers;
      }
      r.observe(viewers, { role: 'viewer' });
      r.observe(publishers, { role: 'publisher' });
    });
    m.createObservableGauge('sfu_worker_consumers', { description: 'Consumers per mediasoup worker' }).addCallback((r) => {
      for (const w of this.pool.workers) r.observe(this.pool.workerConsumers(w), { worker: String(w.index) });
    });
    m.createObservableGauge('sfu_worker_routers', { description: 'Routers per mediasoup worker' }).addCallback((r) => {
      for (const w of this.pool.workers) r.observe(w.routers.size, { worker: String(w.index) });
    });
    m.createObservableGauge('sfu_worker_cpu_percent', { description: 'CPU of each worker over the last report interval' }).addCallback(
      (r) => {
        for (const s of this.samples) r.observe(s.cpuPercent, { worker: String(s.index) });
      },
    );
    m.createObservableGauge('sfu_worker_bitrate_bps', { description: 'Send + receive bitrate of each worker' }).addCallback((r) => {
      for (const s of this.samples) r.observe(s.bitrateBps, { worker: String(s.index) });
    });
  }
}
