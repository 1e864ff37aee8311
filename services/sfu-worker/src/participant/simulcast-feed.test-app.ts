// Test-only: a VP8 simulcast publisher without a browser, and viewers on plain sockets.
// One ffmpeg per layer (so a test can stop one layer, as a browser does when its uplink
// shrinks) sends RTP to a small relay that forwards every layer from ONE socket pair into the
// publisher's PlainTransport (comedia locks onto one source address), and counts the RTCP
// key-frame requests (PLI) the SFU sends back: what a real publisher would have to answer.
import type { types } from 'mediasoup';
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import type { Room } from '../room/room.js';
import { ok, type RunningSfu, type SignalClient, type Suite } from '../sfu-worker.test-app.js';
import type { Participant } from './participant.js';

export interface Layer {
  ssrc: number;
  width: number;
  height: number;
  kbps: number;
}

/** Three layers, lowest first (mediasoup's spatial layer 0, 1, 2). */
export const THREE_LAYERS: Layer[] = [
  { ssrc: 31111111, width: 160, height: 90, kbps: 100 },
  { ssrc: 32222222, width: 320, height: 180, kbps: 250 },
  { ssrc: 33333333, width: 640, height: 360, kbps: 600 },
];
const PAYLOAD_TYPE = 101;

const bind = async (): Promise<Socket> => {
  const socket = createSocket('udp4');
  await new Promise<void>((done) => socket.bind(0, '127.0.0.1', done));
  return socket;
};
const portOf = (s: Socket) => s.address().port;

/** PLI packets (RTCP PT 206, FMT 1) in a compound RTCP datagram, by media SSRC. */
function plis(buf: Buffer): number[] {
  const ssrcs: number[] = [];
  for (let at = 0; at + 12 <= buf.length; at += 4 * (buf.readUInt16BE(at + 2) + 1)) {
    if (buf[at + 1] === 206 && (buf[at] & 0x1f) === 1) ssrcs.push(buf.readUInt32BE(at + 8));
  }
  return ssrcs;
}

export interface SimulcastFeed {
  producerId: string;
  /** Key-frame requests the SFU sent to the publisher so far, per layer SSRC. */
  keyFrameRequests(ssrc: number): number;
  /** When each of those arrived (performance.now(), ms). */
  keyFrameRequestTimes(ssrc: number): number[];
  stopLayer(index: number): Promise<void>;
}

/**
 * Produces `layers` as one VP8 simulcast Producer of the connected publisher, fed by ffmpeg.
 * `keyFrameInterval` frames between key frames (1: every frame, a publisher that answers
 * every key-frame request at once).
 */
export async function publishSimulcast(
  ctx: Suite,
  sfu: RunningSfu,
  publisher: SignalClient,
  broadcastId: string,
  opts: { layers?: Layer[]; keyFrameInterval?: number } = {},
): Promise<SimulcastFeed> {
  const layers = opts.layers ?? THREE_LAYERS;
  const room = sfu.runtime.rooms.get(broadcastId as never) as Room;
  const participant = room.participants.find((p) => p.role === 'publisher') as Participant;
  const transport = await room.router.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, comedia: true, rtcpMux: false });
  participant.attachTransport(transport, 'send');
  const producerId = ok(
    await publisher.request('produce', {
      transportId: transport.id,
      kind: 'video',
      rtpParameters: {
        codecs: [{ mimeType: 'video/VP8', payloadType: PAYLOAD_TYPE, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] }],
        encodings: layers.map((l) => ({ ssrc: l.ssrc, maxBitrate: l.kbps * 1000 })),
      },
    }),
  ).id as string;

  const [outRtp, outRtcp] = [await bind(), await bind()];
  const requests = new Map<number, number[]>();
  outRtcp.on('message', (buf) => {
    for (const ssrc of plis(buf)) requests.set(ssrc, [...(requests.get(ssrc) ?? []), performance.now()]);
  });
  const ffmpegs: ChildProcess[] = [];
  const sockets: Socket[] = [outRtp, outRtcp];
  for (const layer of layers) {
    const [inRtp, inRtcp] = [await bind(), await bind()];
    inRtp.on('message', (buf) => outRtp.send(buf, transport.tuple.localPort, '127.0.0.1'));
    inRtcp.on('message', (buf) => outRtcp.send(buf, transport.rtcpTuple!.localPort, '127.0.0.1'));
    sockets.push(inRtp, inRtcp);
    const ffmpeg = spawn(ctx.infra.ffmpegBin ?? '/usr/bin/ffmpeg', [
      '-hide_banner', '-loglevel', 'error', '-nostdin', '-re',
      '-f', 'lavfi', '-i', `testsrc=size=${layer.width}x${layer.height}:rate=30`,
      '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', `${layer.kbps}k`,
      '-g', String(opts.keyFrameInterval ?? 30), '-keyint_min', String(opts.keyFrameInterval ?? 30),
      '-ssrc', String(layer.ssrc), '-payload_type', String(PAYLOAD_TYPE),
      '-f', 'rtp', `rtp://127.0.0.1:${portOf(inRtp)}?rtcpport=${portOf(inRtcp)}&pkt_size=1200`,
    ], { stdio: 'ignore' });
    ffmpegs.push(ffmpeg);
  }
  ctx.onCleanup(async () => {
    for (const f of ffmpegs) f.kill('SIGKILL');
    for (const s of sockets) s.close();
  });
  return {
    producerId,
    keyFrameRequests: (ssrc) => requests.get(ssrc)?.length ?? 0,
    keyFrameRequestTimes: (ssrc) => [...(requests.get(ssrc) ?? [])],
    stopLayer: async (index) => {
      const ffmpeg = ffmpegs[index];
      if (ffmpeg.exitCode !== null) return;
      const exited = new Promise((r) => ffmpeg.once('exit', r));
      ffmpeg.kill('SIGKILL');
      await exited;
    },
  };
}

/** The frame size in a VP8 key frame's RTP packet (RFC 7741), or undefined for other packets. */
export function vp8KeyFrameSize(rtp: Buffer): { width: number; height: number } | undefined {
  if (rtp.length < 12 || (rtp[1] >= 192 && rtp[1] <= 223)) return undefined;
  let at = 12 + 4 * (rtp[0] & 0x0f);
  if (rtp[0] & 0x10) at += 4 + 4 * rtp.readUInt16BE(at + 2); // header extensions
  const descriptor = rtp[at];
  const startOfPartition = (descriptor & 0x10) !== 0 && (descriptor & 0x07) === 0;
  at += 1;
  if (descriptor & 0x80) {
    const x = rtp[at++];
    if (x & 0x80) at += rtp[at] & 0x80 ? 2 : 1; // picture id, 7 or 15 bits
    if (x & 0x40) at += 1; // TL0PICIDX
    if (x & 0x30) at += 1; // TID / KEYIDX
  }
  if (!startOfPartition || rtp.length < at + 10 || (rtp[at] & 0x01) !== 0) return undefined;
  if (rtp[at + 3] !== 0x9d || rtp[at + 4] !== 0x01 || rtp[at + 5] !== 0x2a) return undefined;
  return { width: rtp.readUInt16LE(at + 6) & 0x3fff, height: rtp.readUInt16LE(at + 8) & 0x3fff };
}

/**
 * A viewer whose receive transport is a PlainTransport to a local socket (there is no WebRTC
 * stack in Node): it consumes over signalling like a browser, and the test sees the key
 * frames it receives (size and arrival time) and how many RTP packets came.
 */
export async function plainViewer(ctx: Suite, sfu: RunningSfu, viewer: SignalClient, broadcastId: string) {
  const room = sfu.runtime.rooms.get(broadcastId as never) as Room;
  const participant = room.participants.filter((p) => p.role === 'viewer').at(-1) as Participant;
  const sink = await bind();
  ctx.onCleanup(async () => sink.close());
  const sizes: Array<{ width: number; height: number }> = [];
  const keyFrameTimes: number[] = [];
  let packets = 0;
  sink.on('message', (buf) => {
    if (buf.length >= 2 && !(buf[1] >= 192 && buf[1] <= 223)) packets++;
    const size = vp8KeyFrameSize(buf);
    if (size) {
      sizes.push(size);
      keyFrameTimes.push(performance.now());
    }
  });
  const transport: types.PlainTransport = await room.router.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, rtcpMux: true, comedia: false });
  await transport.connect({ ip: '127.0.0.1', port: portOf(sink) });
  participant.attachTransport(transport, 'recv');
  const rtpCapabilities = ok(await viewer.request('getRouterRtpCapabilities')).rtpCapabilities;
  let consumedSsrc: number | undefined;
  const consume = async (producerId: string) => {
    const consumer = ok(await viewer.request('consume', { transportId: transport.id, producerId, rtpCapabilities }));
    consumedSsrc = (consumer.rtpParameters as { encodings: Array<{ ssrc: number }> }).encodings[0].ssrc;
    ok(await viewer.request('resumeConsumer', { consumerId: consumer.id }));
    return consumer;
  };
  /** A PLI for the last consumed stream, from the socket the SFU sends to (as a decoder that lost packets). */
  const requestKeyFrame = () => {
    if (consumedSsrc === undefined) throw new Error('nothing consumed yet');
    const pli = Buffer.alloc(12);
    pli.writeUInt8(0x81, 0); // V=2, FMT=1 (PLI)
    pli.writeUInt8(206, 1); // PSFB
    pli.writeUInt16BE(2, 2);
    pli.writeUInt32BE(1, 4);
    pli.writeUInt32BE(consumedSsrc, 8);
    sink.send(pli, transport.tuple.localPort, '127.0.0.1');
  };
  return {
    consume,
    requestKeyFrame,
    lastKeyFrameSize: () => sizes.at(-1),
    keyFrames: () => sizes.length,
    keyFrameTimes: () => [...keyFrameTimes],
    packets: () => packets,
  };
}
