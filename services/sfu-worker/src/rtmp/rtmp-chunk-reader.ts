import { RtmpProtocolError } from './rtmp.errors.js';

/** RTMP message types this server reads. */
export const MessageType = {
  SetChunkSize: 1,
  Abort: 2,
  Acknowledgement: 3,
  UserControl: 4,
  WindowAckSize: 5,
  SetPeerBandwidth: 6,
  Audio: 8,
  Video: 9,
  DataAmf0: 18,
  CommandAmf0: 20,
} as const;

export interface RtmpMessage {
  type: number;
  streamId: number;
  /** Milliseconds, absolute (deltas applied), 32 bits. */
  timestamp: number;
  payload: Buffer;
}

export interface ChunkLimits {
  /** A message longer than this closes the connection (a key frame of a 1080p stream is well under 2 MiB). */
  maxMessageBytes: number;
  /** Bytes held in partly received messages across all chunk streams, and in unparsed input. */
  maxBufferedBytes: number;
  /** Distinct chunk stream ids a connection may use (an encoder uses 3 to 6). */
  maxChunkStreams: number;
}

/** The largest chunk size a peer may set: the spec allows 2^31-1; nothing needs more than this. */
export const MAX_CHUNK_SIZE = 16 * 1024 * 1024;

interface ChunkStream {
  timestamp: number;
  delta: number;
  length: number;
  type: number;
  streamId: number;
  extended: boolean;
  parts: Buffer[];
  received: number;
}

/**
 * The receiving half of RTMP's chunk stream (after the handshake): bytes in, whole messages out.
 * Memory is bounded by the limits, whatever the peer declares: a message's bytes are kept as
 * they arrive (never allocated from a declared length), a declared length above the cap closes
 * the connection at once, and SET_CHUNK_SIZE outside 1..16 MiB is a protocol error (0 would
 * make every chunk empty: a loop that never ends).
 */
export class RtmpChunkReader {
  private pending: Buffer = Buffer.alloc(0);
  private chunkSize = 128;
  private readonly streams = new Map<number, ChunkStream>();
  private partial = 0;

  constructor(private readonly limits: ChunkLimits) {}

  push(data: Buffer): RtmpMessage[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, data]) : data;
    if (this.pending.length + this.partial > this.limits.maxBufferedBytes) throw new RtmpProtocolError('too much data buffered');
    const messages: RtmpMessage[] = [];
    let at = 0;
    for (;;) {
      const consumed = this.readChunk(at, messages);
      if (consumed === 0) break;
      at += consumed;
    }
    this.pending = this.pending.subarray(at);
    return messages;
  }

  /** Bytes of one whole chunk at `at`, its message appended when complete; 0 when not all here yet. */
  private readChunk(start: number, out: RtmpMessage[]): number {
    const buf = this.pending;
    let at = start;
    if (at >= buf.length) return 0;
    const fmt = buf[at] >> 6;
    let csid = buf[at] & 0x3f;
    at += 1;
    if (csid === 0) {
      if (at + 1 > buf.length) return 0;
      csid = 64 + buf[at];
      at += 1;
    } else if (csid === 1) {
      if (at + 2 > buf.length) return 0;
      csid = 64 + buf[at] + buf[at + 1] * 256;
      at += 2;
    }
    const headerBytes = [11, 7, 3, 0][fmt];
    if (at + headerBytes > buf.length) return 0;
    let cs = this.streams.get(csid);
    if (!cs) {
      if (fmt !== 0) throw new RtmpProtocolError(`chunk stream ${csid} starts without a full header`);
      if (this.streams.size >= this.limits.maxChunkStreams) throw new RtmpProtocolError('too many chunk streams');
      cs = { timestamp: 0, delta: 0, length: 0, type: 0, streamId: 0, extended: false, parts: [], received: 0 };
    }
    const starting = cs.received === 0;
    let ts = fmt < 3 ? buf.readUIntBE(at, 3) : 0;
    const length = fmt <= 1 ? buf.readUIntBE(at + 3, 3) : cs.length;
    const type = fmt <= 1 ? buf[at + 6] : cs.type;
    const streamId = fmt === 0 ? buf.readUInt32LE(at + 7) : cs.streamId;
    at += headerBytes;
    const extended = fmt < 3 ? ts === 0xffffff : cs.extended;
    if (extended) {
      if (at + 4 > buf.length) return 0;
      ts = buf.readUInt32BE(at);
      at += 4;
    }
    if (length > this.limits.maxMessageBytes) throw new RtmpProtocolError(`a message of ${length} bytes`);
    if (!starting && fmt < 3) throw new RtmpProtocolError('a new message header inside a message');
    const size = Math.min(this.chunkSize, length - cs.received);
    if (at + size > buf.length) return 0;
    // The whole chunk is here: only now does the chunk stream's state change.
    Object.assign(cs, { length, type, streamId, extended });
    if (starting) {
      if (fmt === 0) cs.timestamp = ts;
      else {
        if (fmt !== 3) cs.delta = ts;
        cs.timestamp = (cs.timestamp + cs.delta) >>> 0;
      }
    }
    this.streams.set(csid, cs);
    if (size > 0) cs.parts.push(buf.subarray(at, at + size));
    cs.received += size;
    this.partial += size;
    if (cs.received === cs.length) {
      this.partial -= cs.received;
      const payload = Buffer.concat(cs.parts);
      cs.parts = [];
      cs.received = 0;
      this.deliver({ type: cs.type, streamId: cs.streamId, timestamp: cs.timestamp, payload }, out);
    }
    return at + size - start;
  }

  private deliver(message: RtmpMessage, out: RtmpMessage[]): void {
    if (message.type === MessageType.SetChunkSize) {
      if (message.payload.length < 4) throw new RtmpProtocolError('short SET_CHUNK_SIZE');
      const size = message.payload.readUInt32BE(0) & 0x7fffffff;
      if (size < 1 || size > MAX_CHUNK_SIZE) throw new RtmpProtocolError(`chunk size ${size}`);
      this.chunkSize = size;
      return;
    }
    out.push(message);
  }
}
