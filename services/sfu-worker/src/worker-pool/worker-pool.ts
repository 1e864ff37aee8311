import { Logger } from '@nestjs/common';
import { meter } from '@onair/telemetry';
import { createWorker, type types } from 'mediasoup';
import { EventEmitter } from 'node:events';
import type { MediaConfig } from '../config.js';
import { MEDIA_CODECS } from './media-codecs.js';
import { NoWorkerError } from './worker-pool.errors.js';

/** One mediasoup Worker with its WebRtcServer, and what runs on it. */
export interface PooledWorker {
  /** Slot index: the WebRtcServer port is `rtcPortBase + index`, also after a replacement. */
  readonly index: number;
  readonly worker: types.Worker;
  readonly webRtcServer: types.WebRtcServer;
  readonly routers: Set<types.Router>;
  /**
   * Every Producer of those routers with its Consumers on this worker: load reports derive the
   * worker's bitrate from the producers' stats (a few requests per report) instead of asking
   * each of thousands of viewer transports.
   */
  readonly producers: Map<string, { producer: types.Producer; consumers: number }>;
}

interface PoolEvents {
  /** A worker process died; its routers are closed already, a replacement is being started. */
  workerDied: [index: number, error: Error];
  workerReplaced: [worker: PooledWorker];
}

/**
 * One mediasoup Worker per core, each with a WebRtcServer on one fixed UDP+TCP port, so a
 * pod needs a handful of ports, not a range. Routers go to the least-loaded worker. A dead
 * worker is reported and replaced on the same slot (same port).
 */
export class WorkerPool extends EventEmitter<PoolEvents> {
  private readonly log = new Logger('WorkerPool');
  private readonly slots: Array<PooledWorker | undefined> = [];
  private readonly consumers = new WeakMap<types.Router, number>();
  private readonly deaths = meter('sfu-worker').createCounter('sfu_worker_deaths_total', { description: 'mediasoup workers that died' });
  private closed = false;

  constructor(private readonly config: MediaConfig) {
    super();
  }

  async start(): Promise<void> {
    for (let i = 0; i < this.config.workers; i++) this.slots[i] = await this.startWorker(i);
    this.log.log(`${this.config.workers} mediasoup workers, WebRtcServer ports ${this.config.rtcPortBase}..${this.config.rtcPortBase + this.config.workers - 1}`);
  }

  close(): void {
    this.closed = true;
    for (const slot of this.slots) slot?.worker.close();
  }

  get workers(): PooledWorker[] {
    return this.slots.filter((s): s is PooledWorker => s !== undefined);
  }

  /** Consumers on a router right now (counted from mediasoup's observer events, not per packet). */
  consumerCount(router: types.Router): number {
    return this.consumers.get(router) ?? 0;
  }

  workerConsumers(slot: PooledWorker): number {
    let n = 0;
    for (const r of slot.routers) n += this.consumerCount(r);
    return n;
  }

  /** A new Router (VP8 + Opus) on the worker with the fewest consumers, then fewest routers. */
  async createRouter(): Promise<{ router: types.Router; slot: PooledWorker }> {
    const slot = this.leastLoaded();
    if (!slot) throw new NoWorkerError();
    return { router: await this.createRouterOn(slot), slot };
  }

  /** Like createRouter, on a worker not in `avoid`; undefined when every live worker is. */
  async createRouterAvoiding(avoid: ReadonlySet<PooledWorker>): Promise<{ router: types.Router; slot: PooledWorker } | undefined> {
    const slot = this.leastLoaded(avoid);
    return slot && { router: await this.createRouterOn(slot), slot };
  }

  private async createRouterOn(slot: PooledWorker): Promise<types.Router> {
    const router = await slot.worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    slot.routers.add(router);
    router.observer.once('close', () => slot.routers.delete(router));
    this.track(router, slot);
    return router;
  }

  private leastLoaded(avoid: ReadonlySet<PooledWorker> = new Set()): PooledWorker | undefined {
    const alive = this.workers.filter((s) => !s.worker.closed && !avoid.has(s));
    if (alive.length === 0) return undefined;
    const load = (s: PooledWorker) => this.workerConsumers(s) * 1000 + s.routers.size;
    return alive.reduce((best, s) => (load(s) < load(best) ? s : best));
  }

  private track(router: types.Router, slot: PooledWorker): void {
    this.consumers.set(router, 0);
    router.observer.on('newtransport', (transport) => {
      transport.observer.on('newproducer', (producer) => {
        slot.producers.set(producer.id, { producer, consumers: 0 });
        producer.observer.once('close', () => slot.producers.delete(producer.id));
      });
      transport.observer.on('newconsumer', (consumer) => {
        this.consumers.set(router, this.consumerCount(router) + 1);
        const fanout = slot.producers.get(consumer.producerId);
        if (fanout) fanout.consumers++;
        consumer.observer.once('close', () => {
          this.consumers.set(router, this.consumerCount(router) - 1);
          if (fanout) fanout.consumers--;
        });
      });
    });
  }

  private async startWorker(index: number): Promise<PooledWorker> {
    const worker = await withWorkerEnvironment({ ONAIR_KEYFRAME_CACHE_MS: String(this.config.keyFrameCacheMs) }, () =>
      createWorker({ logLevel: 'warn', rtcMinPort: this.config.relayPorts.min, rtcMaxPort: this.config.relayPorts.max }),
    );
    const port = this.config.rtcPortBase + index;
    const webRtcServer = await worker
      .createWebRtcServer({
        listenInfos: [
          { protocol: 'udp', ip: this.config.listenIp, announcedIp: this.config.announcedIp, port },
          { protocol: 'tcp', ip: this.config.listenIp, announcedIp: this.config.announcedIp, port },
        ],
      })
      .catch((err: Error) => {
        worker.close();
        throw new Error(`WebRtcServer on ${this.config.listenIp}:${port} (udp+tcp): ${err.message}`);
      });
    const slot: PooledWorker = { index, worker, webRtcServer, routers: new Set(), producers: new Map() };
    worker.on('died', (error) => this.onDied(slot, error));
    return slot;
  }

  private onDied(slot: PooledWorker, error: Error): void {
    this.log.error(`mediasoup worker ${slot.index} (pid ${slot.worker.pid}) died: ${error.message}; replacing it`);
    this.slots[slot.index] = undefined;
    this.deaths.add(1, { worker: String(slot.index) });
    this.emit('workerDied', slot.index, error);
    if (this.closed) return;
    void this.replace(slot.index, 1);
  }

  private async replace(index: number, attempt: number): Promise<void> {
    try {
      const slot = await this.startWorker(index);
      if (this.closed) return slot.worker.close();
      this.slots[index] = slot;
      this.emit('workerReplaced', slot);
    } catch (err) {
      // The dead worker's port may take a moment to be released.
      this.log.error(`replacing worker ${index} failed (attempt ${attempt}): ${(err as Error).message}`);
      if (attempt < 10 && !this.closed) setTimeout(() => void this.replace(index, attempt + 1), 500 * attempt).unref();
    }
  }
}

/**
 * Runs `start` with `vars` in process.env, restored after. Why: OnAir's worker patch reads its
 * settings from the environment (mediasoup passes a worker no setting that could carry them),
 * and createWorker spawns the process, copying the environment, before it returns. Pools in one
 * process (tests, benchmarks) may differ, so the variables are not left behind.
 */
function withWorkerEnvironment<T>(vars: Record<string, string>, start: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return start();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
