import { MAX_CHUNK_SIZE, RtmpChunkReader } from './rtmp-chunk-reader.js';
import { RtmpProtocolError } from './rtmp.errors.js';

const LIMITS = { maxMessageBytes: 64 * 1024, maxBufferedBytes: 128 * 1024, maxChunkStreams: 4 };

/** A message as chunks of `chunkSize`: fmt 0 first, fmt 3 after; an extended timestamp when ≥ 0xffffff. */
function chunks(csid: number, type: number, timestamp: number, payload: Buffer, chunkSize = 128): Buffer {
  const extended = timestamp >= 0xffffff;
  const header = Buffer.alloc(12);
  header[0] = csid;
  header.writeUIntBE(extended ? 0xffffff : timestamp, 1, 3);
  header.writeUIntBE(payload.length, 4, 3);
  header[7] = type;
  header.writeUInt32LE(1, 8);
  const ext = Buffer.alloc(4);
  ext.writeUInt32BE(timestamp >>> 0);
  const parts: Buffer[] = [header, ...(extended ? [ext] : [])];
  for (let at = 0; at < payload.length; at += chunkSize) {
    if (at > 0) parts.push(Buffer.from([0xc0 | csid]), ...(extended ? [ext] : []));
    parts.push(payload.subarray(at, at + chunkSize));
  }
  return Buffer.concat(parts);
}
const setChunkSize = (size: number) => chunks(2, 1, 0, Buffer.from([size >>> 24, (size >>> 16) & 0xff, (size >>> 8) & 0xff, size & 0xff]));

describe('RtmpChunkReader', () => {
  it('reassembles a message split into chunks and across reads, with an extended timestamp', () => {
    const payload = Buffer.from(Array.from({ length: 1000 }, (_, i) => i & 0xff));
    const bytes = chunks(4, 9, 0x1234567, payload);
    const reader = new RtmpChunkReader(LIMITS);
    const out = [...reader.push(bytes.subarray(0, 300)), ...reader.push(bytes.subarray(300, 301)), ...reader.push(bytes.subarray(301))];
    expect(out).toEqual([{ type: 9, streamId: 1, timestamp: 0x1234567, payload }]);
  });

  it('follows SET_CHUNK_SIZE and applies fmt 1-3 timestamp deltas', () => {
    const reader = new RtmpChunkReader(LIMITS);
    const big = Buffer.alloc(4000, 7);
    const first = reader.push(Buffer.concat([setChunkSize(4096), chunks(4, 8, 100, big, 4096)]));
    expect(first.map((m) => [m.type, m.timestamp, m.payload.length])).toEqual([[8, 100, 4000]]);
    // fmt 1: delta 20, new length and type; then fmt 3: the same delta again.
    const fmt1 = Buffer.from([0x44, 0, 0, 20, 0, 0, 2, 9, 0xaa, 0xbb]);
    const fmt3 = Buffer.from([0xc4, 0xcc, 0xdd]);
    expect(reader.push(Buffer.concat([fmt1, fmt3])).map((m) => [m.type, m.timestamp, m.payload.toString('hex')])).toEqual([
      [9, 120, 'aabb'],
      [9, 140, 'ccdd'],
    ]);
  });

  it.each([
    ['SET_CHUNK_SIZE 0', setChunkSize(0)],
    ['SET_CHUNK_SIZE above 16 MiB', setChunkSize(MAX_CHUNK_SIZE + 1)],
    ['a message longer than the cap', chunks(4, 9, 0, Buffer.alloc(10)).fill(0xff, 4, 7)],
    ['a chunk stream starting without a full header', Buffer.from([0xc5, 1, 2, 3])],
    ['more chunk streams than the cap', Buffer.concat([3, 4, 5, 6, 7].map((cs) => chunks(cs, 9, 0, Buffer.alloc(1))))],
  ])('refuses %s', (_what, bytes) => {
    expect(() => new RtmpChunkReader(LIMITS).push(bytes)).toThrow(RtmpProtocolError);
  });

  it('holds no more than the buffering cap, whatever the peer declares', () => {
    const reader = new RtmpChunkReader({ ...LIMITS, maxBufferedBytes: 10_000 });
    reader.push(setChunkSize(60_000));
    const header = chunks(4, 9, 0, Buffer.alloc(60_000), 60_000).subarray(0, 12);
    expect(reader.push(header)).toEqual([]);
    expect(() => reader.push(Buffer.alloc(10_000))).toThrow(RtmpProtocolError);
  });
});
