// The synthetic viewers' receiving end for `bench sfu-fanout`, run as a child process (its own
// core, away from the mediasoup worker under test). A few UDP sockets take every viewer's SRTP:
// SRTP encrypts the payload only, so the RTP header's SSRC and sequence number are readable,
// and each stream (one per consumer: a socket and an SSRC) is counted on its own, its loss from
// sequence-number gaps.
// The parent names the streams it expects (each viewer's video and audio consumer), so a
// stream that stays silent is seen, not just missing from the sums: see endWindow.
// Protocol with the parent (IPC): it sends {sockets}, we answer {ports}; then each
// {window:'start', expect} (expect: the streams added since the last window) is answered with
// {started}, and each {window:'end'} with the window's figures.
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';

export type StreamKind = 'audio' | 'video';

/** A consumer's stream as a viewer receives it: on `port`, with the consumer's SSRC. */
export interface ExpectedStream {
  port: number;
  ssrc: number;
  kind: StreamKind;
}

interface Stream {
  /** One below the first sequence number seen: where the stream's expected count starts. */
  initial: number;
  /** Extended highest sequence number (wraps counted). */
  highest: number;
  received: number;
  bytes: number;
}

type Mark = Omit<Stream, 'initial'>;

export interface WindowFigures {
  seconds: number;
  /** Packets of the expected streams, and how many they should have been. */
  received: number;
  expected: number;
  bytes: number;
  /** Loss in % over the expected streams, silent ones included (100 when it cannot be told). */
  loss: number;
  streamsExpected: number;
  /** Expected streams with at least one packet in the window. */
  streamsReceived: number;
  /** Streams no viewer was told to expect (e.g. a consumer whose adding was given up on). */
  streamsUnexpected: number;
  /** Datagrams the kernel dropped at our sockets (full receive buffer): loss caused by this end. */
  socketDrops: number;
}

const streamsByPort = new Map<number, Map<number, Stream>>();
const expected: ExpectedStream[] = [];
let marks = new Map<Stream, Mark>();
let markedAt = 0;
let dropsAtMark = 0;
/** Packets per second a live stream of each kind carried, from the last window that had one. */
const referenceRate = new Map<StreamKind, number>();
const sockets: Socket[] = [];

/** mediasoup's bandwidth probation packets (padding, not media) all carry this SSRC. */
const PROBATION_SSRC = 1234;

function onPacket(streams: Map<number, Stream>, buf: Buffer): void {
  // RTCP (SRTCP) shares the socket (rtcp-mux): its second byte is a packet type 192..223.
  if (buf.length < 12 || (buf[1] >= 192 && buf[1] <= 223)) return;
  const ssrc = buf.readUInt32BE(8);
  if (ssrc === PROBATION_SSRC) return;
  const seq = buf.readUInt16BE(2);
  let s = streams.get(ssrc);
  if (!s) {
    s = { initial: seq - 1, highest: seq - 1, received: 0, bytes: 0 };
    streams.set(ssrc, s);
  }
  const delta = (seq - (s.highest & 0xffff)) & 0xffff;
  // Forward within half the sequence space; anything else is a late (reordered) packet.
  if (delta > 0 && delta < 0x8000) s.highest += delta;
  s.received++;
  s.bytes += buf.length;
}

/** Kernel drop counters of our sockets, from /proc/net/udp (last column). */
function socketDrops(): number {
  const ports = new Set(sockets.map((s) => s.address().port));
  let drops = 0;
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 13) continue;
    const port = parseInt(cols[1].split(':')[1], 16);
    if (ports.has(port)) drops += Number(cols[cols.length - 1]);
  }
  return drops;
}

function startWindow(expect: ExpectedStream[]): void {
  expected.push(...expect);
  marks = new Map();
  for (const streams of streamsByPort.values()) for (const s of streams.values()) marks.set(s, { highest: s.highest, received: s.received, bytes: s.bytes });
  markedAt = performance.now();
  dropsAtMark = socketDrops();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Every consumer forwards the same packets of its Producer, so in one window the live streams of
 * a kind expect about the same count, and their median is what a stream of that kind should
 * have carried. A silent stream is charged that many packets, all lost; a stream first seen
 * inside the window (it started late, its first sequence numbers unknown) at least that many.
 * So a stream that sends nothing fails the step's loss instead of vanishing from the sums.
 */
function endWindow(): WindowFigures {
  const seconds = (performance.now() - markedAt) / 1000;
  const windowOf = new Map<ExpectedStream, { received: number; expected: number; bytes: number; late: boolean }>();
  const live: Record<StreamKind, number[]> = { audio: [], video: [] };
  for (const e of expected) {
    const s = streamsByPort.get(e.port)?.get(e.ssrc);
    if (!s) continue;
    const m = marks.get(s);
    const w = m
      ? { received: s.received - m.received, expected: s.highest - m.highest, bytes: s.bytes - m.bytes, late: false }
      : { received: s.received, expected: s.highest - s.initial, bytes: s.bytes, late: true };
    if (w.received === 0) continue;
    windowOf.set(e, w);
    if (!w.late) live[e.kind].push(w.expected);
  }
  for (const kind of ['audio', 'video'] as const) if (live[kind].length > 0) referenceRate.set(kind, median(live[kind]) / seconds);
  let received = 0;
  let expectedPackets = 0;
  let bytes = 0;
  let unjudged = 0;
  for (const e of expected) {
    const w = windowOf.get(e);
    const rate = referenceRate.get(e.kind);
    const reference = rate === undefined ? undefined : Math.max(1, Math.round(rate * seconds));
    if (!w) {
      if (reference === undefined) unjudged++;
      else expectedPackets += reference;
      continue;
    }
    received += w.received;
    expectedPackets += w.late && reference !== undefined ? Math.max(reference, w.expected) : w.expected;
    bytes += w.bytes;
  }
  let known = 0;
  for (const streams of streamsByPort.values()) known += streams.size;
  const lost = Math.max(0, expectedPackets - received);
  return {
    seconds,
    received,
    expected: expectedPackets,
    bytes,
    // No live stream of a kind yet to tell how many packets its silent ones missed: all of them.
    loss: unjudged > 0 || expectedPackets === 0 ? 100 : (100 * lost) / expectedPackets,
    streamsExpected: expected.length,
    streamsReceived: windowOf.size,
    streamsUnexpected: Math.max(0, known - expected.filter((e) => streamsByPort.get(e.port)?.has(e.ssrc)).length),
    socketDrops: socketDrops() - dropsAtMark,
  };
}

async function open(count: number): Promise<number[]> {
  for (let i = 0; i < count; i++) {
    const socket = createSocket({ type: 'udp4', recvBufferSize: 8 * 1024 * 1024 });
    await new Promise<void>((done) => socket.bind(0, '127.0.0.1', done));
    const streams = new Map<number, Stream>();
    streamsByPort.set(socket.address().port, streams);
    socket.on('message', (buf) => onPacket(streams, buf));
    sockets.push(socket);
  }
  return sockets.map((s) => s.address().port);
}

process.on('message', (msg: { sockets?: number; window?: 'start' | 'end'; expect?: ExpectedStream[] }) => {
  if (msg.sockets) void open(msg.sockets).then((ports) => process.send!({ ports }));
  else if (msg.window === 'start') {
    startWindow(msg.expect ?? []);
    process.send!({ started: true });
  } else if (msg.window === 'end') process.send!({ figures: endWindow() });
});
process.on('disconnect', () => process.exit(0));
