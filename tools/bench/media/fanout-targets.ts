// What `bench sfu-fanout` fans out through. "platform": the sfu-worker's own WorkerPool, Rooms,
// Participants (consumer cap, key-frame request throttling) and LoadReporter sampling every
// worker's transports, exactly as a node runs them. "bare": plain mediasoup with the same
// codecs and transports, the figure the platform must not fall below.
import { ConsoleLogger, Logger, type LogLevel } from '@nestjs/common';
import { createWorker, type types } from 'mediasoup';
import { randomBytes, randomUUID } from 'node:crypto';
import type { BroadcastId } from '../../../services/sfu-worker/dist/src/ids.js';
import { LoadReporter } from '../../../services/sfu-worker/dist/src/reporting/load-reporter.js';
import { EventPublisher } from '../../../libs/kafka/dist/index.js';
import { Participant } from '../../../services/sfu-worker/dist/src/participant/participant.js';
import { WorkerPipeRelay } from '../../../services/sfu-worker/dist/src/relay/relay.js';
import { Rooms } from '../../../services/sfu-worker/dist/src/room/rooms.js';
import { MEDIA_CODECS } from '../../../services/sfu-worker/dist/src/worker-pool/media-codecs.js';
import { WorkerPool } from '../../../services/sfu-worker/dist/src/worker-pool/worker-pool.js';
import type { StreamKind } from './rtp-receiver.ts';
import { AUDIO_RTP, VIDEO_RTP } from './test-clip.ts';

export interface RtpPorts {
  rtp: number;
  rtcp: number;
}

/** One consumer's stream, told apart at the viewer by its SSRC. */
export interface ViewerStream {
  kind: StreamKind;
  ssrc: number;
}

export interface FanoutTarget {
  readonly workerPid: number;
  /** Where ffmpeg sends the broadcast. */
  readonly ingest: { video: RtpPorts; audio: RtpPorts };
  /** One more viewer: an SRTP PlainTransport sending to `port`, consuming video and audio. */
  addViewer(port: number): Promise<ViewerStream[]>;
  /** Packets the Producers lost on the way in from ffmpeg so far (their receive stats). */
  ingestLost(): Promise<number>;
  close(): Promise<void>;
}

const SRTP_SUITE = 'AES_CM_128_HMAC_SHA1_80' as const;
const KEYFRAME_REQUEST_DELAY_MS = 1000;

const videoParameters = (): types.RtpParameters => ({
  codecs: [{ mimeType: 'video/VP8', payloadType: VIDEO_RTP.payloadType, clockRate: 90000, rtcpFeedback: [{ type: 'nack', parameter: 'pli' }] }],
  encodings: [{ ssrc: VIDEO_RTP.ssrc }],
});
const audioParameters = (): types.RtpParameters => ({
  codecs: [{ mimeType: 'audio/opus', payloadType: AUDIO_RTP.payloadType, clockRate: 48000, channels: 2 }],
  encodings: [{ ssrc: AUDIO_RTP.ssrc }],
});

async function ingestTransport(router: types.Router): Promise<types.PlainTransport> {
  return router.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, comedia: true, rtcpMux: false });
}

async function viewerTransport(router: types.Router, port: number): Promise<types.PlainTransport> {
  const transport = await router.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, rtcpMux: true, enableSrtp: true, srtpCryptoSuite: SRTP_SUITE });
  // The viewer's own key (for what it would send back); the worker encrypts with its own.
  await transport.connect({ ip: '127.0.0.1', port, srtpParameters: { cryptoSuite: SRTP_SUITE, keyBase64: randomBytes(30).toString('base64') } });
  return transport;
}

async function lostByProducers(producers: types.Producer[]): Promise<number> {
  let lost = 0;
  for (const producer of producers) for (const s of await producer.getStats()) lost += s.packetsLost ?? 0;
  return lost;
}

const viewerStream = (c: { kind: types.MediaKind; rtpParameters: types.RtpParameters }): ViewerStream => ({ kind: c.kind, ssrc: c.rtpParameters.encodings![0].ssrc! });

const ports = (t: types.PlainTransport): RtpPorts => ({ rtp: t.tuple.localPort, rtcp: t.rtcpTuple!.localPort });

/** A signalling link that goes nowhere: these participants have no socket. */
const noLink = { notify: () => undefined, close: () => undefined };

/** Nest logs to stdout by default; the bench's stdout is its result line's alone. */
class StderrLogger extends ConsoleLogger {
  protected override printMessages(messages: unknown[], context?: string, logLevel?: LogLevel, _stream?: 'stdout' | 'stderr', errorStack?: unknown): void {
    super.printMessages(messages, context, logLevel, 'stderr', errorStack);
  }
}

export async function platformTarget(): Promise<FanoutTarget> {
  Logger.overrideLogger(new StderrLogger());
  const media = {
    nodeId: 'bench',
    workers: 1,
    rtcPortBase: 40000 + Math.floor(Math.random() * 20000),
    listenIp: '127.0.0.1',
    announcedIp: '127.0.0.1',
    // The bench looks for the core's limit, not the configured cap's.
    maxConsumersPerRouter: 100_000,
    maxRelaysPerRouter: 0,
    keyFrameRequestDelayMs: KEYFRAME_REQUEST_DELAY_MS,
    // The platform's default (SFU_KEYFRAME_CACHE_MS); bare mediasoup's workers keep none.
    keyFrameCacheMs: 500,
    // A PlainTransport per viewer: mediasoup's whole default range, not a node's relay range.
    relayPorts: { min: 10000, max: 59999 },
  };
  const pool = new WorkerPool(media);
  await pool.start();
  const rooms = new Rooms(pool, new WorkerPipeRelay(pool), media);
  // Fanning out involves no Kafka: the publisher is never started, so its reports go nowhere,
  // but the reporter still samples every transport each interval, as on a node.
  const events = new EventPublisher({ brokers: ['127.0.0.1:9'], clientId: 'bench', topicPrefix: '', defaultPartitions: 1 }, 'bench');
  const reporter = new LoadReporter(pool, rooms, events, { nodeId: 'bench', signallingUrl: 'ws://127.0.0.1/', relayUrl: '', maxConsumersPerRouter: media.maxConsumersPerRouter, intervalMs: 5000 });
  reporter.start();
  const room = await rooms.open(randomUUID() as BroadcastId);
  const publisher = new Participant(randomUUID(), 'publisher', room, noLink, media.keyFrameRequestDelayMs);
  room.join(publisher);
  const [video, audio] = [await ingestTransport(room.router), await ingestTransport(room.router)];
  publisher.attachTransport(video, 'send');
  publisher.attachTransport(audio, 'send');
  const producerIds = [await publisher.produce(video.id, 'video', videoParameters()), await publisher.produce(audio.id, 'audio', audioParameters())];
  return {
    workerPid: pool.workers[0].worker.pid,
    ingest: { video: ports(video), audio: ports(audio) },
    async addViewer(port) {
      const viewer = new Participant(randomUUID(), 'viewer', room, noLink, media.keyFrameRequestDelayMs);
      room.join(viewer);
      const transport = await viewerTransport(room.router, port);
      viewer.attachTransport(transport, 'recv');
      const streams: ViewerStream[] = [];
      for (const producerId of producerIds) {
        const consumer = await viewer.consume(transport.id, producerId, room.router.rtpCapabilities);
        await viewer.resumeConsumer(consumer.id);
        streams.push(viewerStream(consumer));
      }
      return streams;
    },
    ingestLost: () => lostByProducers([...room.producers.values()]),
    async close() {
      reporter.stop();
      rooms.closeAll();
      pool.close();
    },
  };
}

export async function bareTarget(): Promise<FanoutTarget> {
  const worker = await createWorker({ logLevel: 'warn' });
  const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
  const [video, audio] = [await ingestTransport(router), await ingestTransport(router)];
  const producers = [
    await video.produce({ kind: 'video', rtpParameters: videoParameters(), keyFrameRequestDelay: KEYFRAME_REQUEST_DELAY_MS }),
    await audio.produce({ kind: 'audio', rtpParameters: audioParameters() }),
  ];
  return {
    workerPid: worker.pid,
    ingest: { video: ports(video), audio: ports(audio) },
    async addViewer(port) {
      const transport = await viewerTransport(router, port);
      const streams: ViewerStream[] = [];
      for (const producer of producers) {
        const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities, paused: true });
        await consumer.resume();
        streams.push(viewerStream(consumer));
      }
      return streams;
    },
    ingestLost: () => lostByProducers(producers),
    async close() {
      worker.close();
    },
  };
}
