import { timestampNow } from '@bufbuild/protobuf/wkt';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { remoteKeys } from '@onair/auth';
import { AudienceReportedEvent, NodeLoadReportedEvent, PublisherJoinedEvent, PublisherLeftEvent, RecordingFinishedEvent } from '@onair/contracts';
import type { SfuWorkerConfig } from './config.js';
import { DirectoryReplayStore } from '@onair/replay-store';
import { Recordings } from './recording/recordings.js';
import { WorkerPipeRelay } from './relay/relay.js';
import { RelayTlsServer } from './relay/relay-tls-server.js';
import { LoadReporter } from './reporting/load-reporter.js';
import { EventPublisher } from '@onair/kafka';
import { AdmissionRevocationsConsumer } from './room/admission-revocations.consumer.js';
import { BroadcastEndedConsumer } from './room/broadcast-ended.consumer.js';
import { Rooms } from './room/rooms.js';
import { SignallingServer } from './signalling/signalling.server.js';
import { WhipIngest } from './whip/whip-ingest.js';
import { PlainPublishIngest } from './plain-publish/plain-publish-ingest.js';
import { RtmpServer } from './rtmp/rtmp-server.js';
import { WorkerPool } from './worker-pool/worker-pool.js';

export const SFU_CONFIG = Symbol('SfuWorkerConfig');

/**
 * The node's parts and their order: workers first, Kafka next, signalling last; on shutdown
 * the reverse, with live rooms drained (SFU_DRAIN_TIMEOUT_MS) and recordings finalised.
 */
@Injectable()
export class SfuRuntime implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly log = new Logger('SfuRuntime');
  readonly pool: WorkerPool;
  readonly rooms: Rooms;
  readonly events: EventPublisher;
  readonly reporter: LoadReporter;
  readonly recordings?: Recordings;
  readonly broadcastEnded: BroadcastEndedConsumer;
  readonly admissionRevocations: AdmissionRevocationsConsumer;
  readonly signalling: SignallingServer;
  /** Publishers from encoders (WHIP), handed over by stream-sessions with publish tickets. */
  readonly whip: WhipIngest;
  /** Publishers sending plain RTP (RTMP ingests, of this node or another), with publish tickets. */
  readonly plainPublish: PlainPublishIngest;
  /** Encoders pushing RTMP (SFU_RTMP_PORT; none when 0). */
  readonly rtmp?: RtmpServer;
  /** Relays over mutual TLS on their own port, when this node has an internal certificate. */
  readonly relayServer?: RelayTlsServer;

  constructor(@Inject(SFU_CONFIG) readonly config: SfuWorkerConfig) {
    const { media } = config;
    const kafka = { clientId: `sfu-worker-${media.nodeId}`, ...config.kafka };
    this.pool = new WorkerPool(media);
    this.rooms = new Rooms(this.pool, new WorkerPipeRelay(this.pool), media, config.relay);
    this.events = new EventPublisher(kafka, `sfu-worker/${media.nodeId}`);
    this.reporter = new LoadReporter(this.pool, this.rooms, this.events, {
      nodeId: media.nodeId,
      signallingUrl: config.signallingUrl,
      relayUrl: config.relay?.url ?? '',
      maxConsumersPerRouter: media.maxConsumersPerRouter,
      intervalMs: config.reportIntervalMs,
    });
    if (config.recording.enabled) {
      const store = new DirectoryReplayStore(config.recording.replayDir);
      this.recordings = new Recordings(this.rooms, store, config.recording.ffmpegBin, this.events, media.nodeId);
    }
    this.broadcastEnded = new BroadcastEndedConsumer(kafka, media.nodeId, this.rooms);
    this.admissionRevocations = new AdmissionRevocationsConsumer(kafka, media.nodeId, this.rooms);
    const ticketKeys = remoteKeys(config.mediaTicketJwksUrl);
    this.signalling = new SignallingServer(this.rooms, ticketKeys, {
      nodeId: media.nodeId,
      keyFrameRequestDelayMs: media.keyFrameRequestDelayMs,
      relay: config.relay,
      pipeAddress: { listenIp: media.listenIp, announcedIp: media.announcedIp },
    });
    this.whip = new WhipIngest(this.rooms, ticketKeys, {
      nodeId: media.nodeId,
      keyFrameRequestDelayMs: media.keyFrameRequestDelayMs,
      mediaTimeoutMs: config.whip.mediaTimeoutMs,
      draining: () => this.signalling.draining,
    });
    this.plainPublish = new PlainPublishIngest(this.rooms, ticketKeys, {
      nodeId: media.nodeId,
      keyFrameRequestDelayMs: media.keyFrameRequestDelayMs,
      mediaTimeoutMs: config.whip.mediaTimeoutMs,
      listenIp: media.listenIp,
      announcedIp: media.announcedIp,
      draining: () => this.signalling.draining,
    });
    if (config.rtmp.port > 0) this.rtmp = new RtmpServer(config.rtmp, () => this.signalling.draining);
    const relay = config.relay;
    if (relay?.tls) this.relayServer = new RelayTlsServer({ ...relay, tls: relay.tls }, this.signalling.handleRelayUpgrade);
    this.rooms.on('roomOpened', (room) => {
      room.on('publisherJoined', (publisherId) =>
        this.events.publishInBackground(PublisherJoinedEvent, { broadcastId: room.broadcastId, nodeId: media.nodeId, publisherId, at: timestampNow() }),
      );
      room.on('publisherLeft', (publisherId) =>
        this.events.publishInBackground(PublisherLeftEvent, { broadcastId: room.broadcastId, nodeId: media.nodeId, publisherId, at: timestampNow() }),
      );
    });
  }

  async onModuleInit(): Promise<void> {
    await this.pool.start();
    // Straight to Kafka (no database, no outbox): these are observations of live media; a lost
    // report is superseded by the next one, and a lost PublisherJoined/Left is re-derived by
    // stream-sessions' auto-end timer.
    await this.events.start([PublisherJoinedEvent, PublisherLeftEvent, AudienceReportedEvent, NodeLoadReportedEvent, RecordingFinishedEvent]);
    await this.broadcastEnded.start();
    await this.admissionRevocations.start();
    await this.relayServer?.listen(this.config.httpHost);
    await this.rtmp?.listen();
    this.reporter.start();
  }

  async ready(): Promise<Record<string, boolean>> {
    return {
      workers: this.pool.workers.some((w) => !w.worker.closed),
      kafka: await this.events.ready(),
      accepting: !this.signalling.draining,
    };
  }

  /**
   * Takes nobody new (joins answer SFU.DRAINING) and says so in the load reports, so stream-sessions
   * places new broadcasts and viewers elsewhere. Broadcasts hosted here go on, still relayed to
   * other nodes, until their rooms end or the drain times out. Started by the preStop hook
   * (DRAIN_SIGNAL, draining/start-draining.ts) or at SIGTERM, whichever comes first; only SIGTERM
   * ends the process.
   */
  async startDraining(): Promise<void> {
    if (!this.signalling.draining) this.log.log(`draining: refusing new participants, ${this.rooms.all.length} rooms live`);
    this.signalling.draining = true;
    await this.reporter.drain().catch((err: Error) => this.log.warn(`could not report draining: ${err.message}`));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.startDraining();
    const deadline = Date.now() + this.config.drainTimeoutMs;
    if (this.rooms.all.length > 0 && this.config.drainTimeoutMs > 0) {
      this.log.log(`draining ${this.rooms.all.length} rooms for up to ${this.config.drainTimeoutMs} ms`);
    }
    while (this.rooms.all.length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    this.rooms.closeAll();
    await this.recordings?.settled();
  }

  async onApplicationShutdown(): Promise<void> {
    this.reporter.stop();
    this.signalling.close();
    await this.rtmp?.close();
    await this.relayServer?.close();
    await this.broadcastEnded.stop();
    await this.admissionRevocations.stop();
    this.pool.close();
    await this.events.stop();
  }
}
