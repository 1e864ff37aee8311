// The synthetic viewers' receiving end for `bench sfu-fanout`, run as a child process (its own
// core, away from the mediasoup worker under test). A few UDP sockets take every viewer's SRTP:
// SRTP encrypts the payload only, so the RTP header's SSRC and sequence number are readable,
// and loss is counted per SSRC (one per consumer) from sequence-number gaps.
// Protocol with the parent (IPC): it sends {sockets}, we answer {ports}; then each
// {window:'start'|'end'} is answered with the window's figures.
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';

interface Stream {
  /** One below the first sequence number seen: where the stream's expected count starts. */
  initial: number;
  /** Extended highest sequence number (wraps counted). */
  highest: number;
  received: number;
  bytes: number;
}

interface Mark {
  highest: number;
  received: number;
  bytes: number;
}

export interface WindowFigures {
  seconds: number;
  received: number;
  expected: number;
  bytes: number;
  streams: number;
  /** Datagrams the kernel dropped at our sockets (full receive buffer): loss caused by this end. */
  socketDrops: number;
}

const streams = new Map<number, Stream>();
let marks = new Map<number, Mark>();
let markedAt = 0;
let dropsAtMark = 0;
const sockets: Socket[] = [];

function onPacket(buf: Buffer): void {
  // RTCP (SRTCP) shares the socket (rtcp-mux): its second byte is a packet type 192..223.
  if (buf.length < 12 || (buf[1] >= 192 && buf[1] <= 223)) return;
  const ssrc = buf.readUInt32BE(8);
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

function startWindow(): void {
  marks = new Map();
  for (const [ssrc, s] of streams) marks.set(ssrc, { highest: s.highest, received: s.received, bytes: s.bytes });
  markedAt = performance.now();
  dropsAtMark = socketDrops();
}

function endWindow(): WindowFigures {
  let received = 0;
  let expected = 0;
  let bytes = 0;
  for (const [ssrc, s] of streams) {
    // A stream first seen inside the window starts at its first packet.
    const m = marks.get(ssrc) ?? { highest: s.initial, received: 0, bytes: 0 };
    received += s.received - m.received;
    expected += s.highest - m.highest;
    bytes += s.bytes - m.bytes;
  }
  return {
    seconds: (performance.now() - markedAt) / 1000,
    received,
    expected,
    bytes,
    streams: streams.size,
    socketDrops: socketDrops() - dropsAtMark,
  };
}

async function open(count: number): Promise<number[]> {
  for (let i = 0; i < count; i++) {
    const socket = createSocket({ type: 'udp4', recvBufferSize: 8 * 1024 * 1024 });
    socket.on('message', onPacket);
    await new Promise<void>((done) => socket.bind(0, '127.0.0.1', done));
    sockets.push(socket);
  }
  return sockets.map((s) => s.address().port);
}

process.on('message', (msg: { sockets?: number; window?: 'start' | 'end' }) => {
  if (msg.sockets) void open(msg.sockets).then((ports) => process.send!({ ports }));
  else if (msg.window === 'start') {
    startWindow();
    process.send!({ started: true });
  } else if (msg.window === 'end') process.send!({ figures: endWindow() });
});
process.on('disconnect', () => process.exit(0));
