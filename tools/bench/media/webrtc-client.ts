// The relay benches' WebRTC client: what a browser does with mediasoup-client, done with a local
// mediasoup worker of the bench's own as the DTLS/SRTP stack, joined to the node's
// WebRtcTransport by an IceLiteBridge (tools/bench/media/ice-lite-bridge.ts). The node sees a
// publisher or a viewer exactly as SIGNALLING.md describes them: createWebRtcTransport,
// connectWebRtcTransport, produce / consume + resumeConsumer.
import { createWorker, type types } from 'mediasoup';
import { MEDIA_CODECS } from '../../../services/sfu-worker/dist/src/worker-pool/media-codecs.js';
import { IceLiteBridge, type IceEndpoint } from './ice-lite-bridge.ts';
import type { SignalClient } from './signal-client.ts';
import { AUDIO_RTP, VIDEO_RTP } from './test-clip.ts';

export type Kind = 'audio' | 'video';

export interface RtpPorts {
  rtp: number;
  rtcp: number;
}

/** A WebRTC session with a node: its bridge (where packets are timed) and each kind's SSRC on it. */
export interface WebRtcSession {
  bridge: IceLiteBridge;
  /** The media SSRC of each kind on the wire between the bridge and the node (RTX aside). */
  kinds: Map<number, Kind>;
}

export interface Publication extends WebRtcSession {
  /** Where ffmpeg sends the clip (plain RTP into the bench's own Producers). */
  ingest: { video: RtpPorts; audio: RtpPorts };
}

const DTLS_TIMEOUT_MS = 10_000;

export class WebRtcClient {
  private readonly worker: types.Worker;
  private readonly router: types.Router;

  private constructor(worker: types.Worker, router: types.Router) {
    this.worker = worker;
    this.router = router;
  }

  static async start(): Promise<WebRtcClient> {
    const worker = await createWorker({ logLevel: 'error' });
    return new WebRtcClient(worker, await worker.createRouter({ mediaCodecs: MEDIA_CODECS }));
  }

  /**
   * Publishes VP8 + Opus on a publisher's signalling socket: the bench's own Producers (fed by
   * ffmpeg), consumed onto the bench's WebRtcTransport, whose parameters `produce` hands the node.
   */
  async publish(signal: SignalClient): Promise<Publication> {
    const { rtpCapabilities } = await signal.request('getRouterRtpCapabilities');
    const remote = (await signal.request('createWebRtcTransport', { direction: 'send' })) as IceEndpoint & { id: string; dtlsParameters: types.DtlsParameters };
    const local = await this.webRtcTransport();
    const video = await this.ingest('video', VIDEO_RTP);
    const audio = await this.ingest('audio', AUDIO_RTP);
    const kinds = new Map<number, Kind>();
    for (const producer of [video.producer, audio.producer]) {
      const consumer = await local.consume({ producerId: producer.id, rtpCapabilities });
      kinds.set(consumer.rtpParameters.encodings![0].ssrc!, producer.kind);
      await signal.request('produce', { transportId: remote.id, kind: producer.kind, rtpParameters: published(consumer.rtpParameters) });
    }
    const bridge = await this.connect(signal, remote, local);
    return { bridge, kinds, ingest: { video: video.ports, audio: audio.ports } };
  }

  /** Watches every Producer the viewer's `joined` named; its Consumers are resumed once DTLS is up. */
  async watch(signal: SignalClient): Promise<WebRtcSession> {
    const { rtpCapabilities } = await signal.request('getRouterRtpCapabilities');
    const remote = (await signal.request('createWebRtcTransport', { direction: 'recv' })) as IceEndpoint & { id: string; dtlsParameters: types.DtlsParameters };
    const local = await this.webRtcTransport();
    const kinds = new Map<number, Kind>();
    const consumerIds: string[] = [];
    for (const { producerId } of signal.joined.producers as Array<{ producerId: string }>) {
      // The node's own capabilities: a device that takes exactly what the Router offers.
      const consumed = await signal.request('consume', { transportId: remote.id, producerId, rtpCapabilities });
      kinds.set(consumed.rtpParameters.encodings[0].ssrc, consumed.kind);
      consumerIds.push(consumed.id);
      // The receiving side, as mediasoup-client's recv transport: RTCP reports and congestion
      // feedback go back to the node as a browser's would.
      await local.produce({ kind: consumed.kind, rtpParameters: consumed.rtpParameters });
    }
    const bridge = await this.connect(signal, remote, local);
    for (const consumerId of consumerIds) await signal.request('resumeConsumer', { consumerId });
    return { bridge, kinds };
  }

  close(): void {
    this.worker.close();
  }

  private webRtcTransport(): Promise<types.WebRtcTransport> {
    return this.router.createWebRtcTransport({ listenIps: [{ ip: '127.0.0.1' }], enableUdp: true, enableTcp: false });
  }

  /** The node's end is the DTLS server, ours the client; ICE through the bridge. */
  private async connect(signal: SignalClient, remote: IceEndpoint & { id: string; dtlsParameters: types.DtlsParameters }, local: types.WebRtcTransport): Promise<IceLiteBridge> {
    await signal.request('connectWebRtcTransport', { transportId: remote.id, dtlsParameters: { role: 'client', fingerprints: local.dtlsParameters.fingerprints } });
    await local.connect({ dtlsParameters: { role: 'server', fingerprints: remote.dtlsParameters.fingerprints } });
    const connected = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`DTLS not connected within ${DTLS_TIMEOUT_MS} ms`)), DTLS_TIMEOUT_MS);
      local.on('dtlsstatechange', (state) => {
        if (state === 'connected') resolve();
        else if (state === 'failed' || state === 'closed') reject(new Error(`DTLS ${state}`));
        if (state !== 'connecting') clearTimeout(timer);
      });
    });
    const bridge = await IceLiteBridge.bind();
    await bridge.connect(remote, { iceParameters: local.iceParameters, iceCandidates: local.iceCandidates });
    await connected;
    return bridge;
  }

  private async ingest(kind: Kind, rtp: { ssrc: number; payloadType: number }): Promise<{ producer: types.Producer; ports: RtpPorts }> {
    const transport = await this.router.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, comedia: true, rtcpMux: false });
    const codec =
      kind === 'video'
        ? { mimeType: 'video/VP8', payloadType: rtp.payloadType, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] }
        : { mimeType: 'audio/opus', payloadType: rtp.payloadType, clockRate: 48000, channels: 2 };
    const producer = await transport.produce({ kind, rtpParameters: { codecs: [codec], encodings: [{ ssrc: rtp.ssrc }] } });
    return { producer, ports: { rtp: transport.tuple.localPort, rtcp: transport.rtcpTuple!.localPort } };
  }
}

/** A consumer's parameters as a publisher's `produce` sends them (the fields SIGNALLING.md allows). */
function published(p: types.RtpParameters): Record<string, unknown> {
  return {
    mid: p.mid,
    codecs: p.codecs.map(({ mimeType, payloadType, clockRate, channels, parameters, rtcpFeedback }) => ({ mimeType, payloadType, clockRate, channels, parameters, rtcpFeedback })),
    encodings: p.encodings?.map(({ ssrc, rtx }) => ({ ssrc, ...(rtx ? { rtx } : {}) })),
    headerExtensions: p.headerExtensions?.map(({ uri, id }) => ({ uri, id })),
    rtcp: { cname: p.rtcp?.cname, reducedSize: p.rtcp?.reducedSize },
  };
}
