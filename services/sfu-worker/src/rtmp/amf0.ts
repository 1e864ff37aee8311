/**
 * AMF0 (Adobe's Action Message Format 0), the subset RTMP command and data messages carry:
 * numbers, booleans, strings, objects, ECMA and strict arrays, null and undefined. Reading is
 * bounded (nesting, entries, the message's own length): a value an encoder sends is data, never
 * code, and no text from it is used beyond what the caller checks.
 */
export type Amf0Value = number | boolean | string | null | undefined | Amf0Object | Amf0Value[];
export interface Amf0Object {
  [key: string]: Amf0Value;
}

const MAX_DEPTH = 4;
const MAX_ENTRIES = 256;

export class Amf0Error extends Error {}

/** Every value of a command or data message, in order. */
export function readAmf0(buf: Buffer): Amf0Value[] {
  const reader = { buf, at: 0 };
  const values: Amf0Value[] = [];
  while (reader.at < buf.length && values.length < MAX_ENTRIES) values.push(readValue(reader, 0));
  return values;
}

interface Reader {
  buf: Buffer;
  at: number;
}

function need(r: Reader, n: number): void {
  if (r.at + n > r.buf.length) throw new Amf0Error('AMF0 value past the end of the message');
}

function readString(r: Reader, long = false): string {
  need(r, long ? 4 : 2);
  const length = long ? r.buf.readUInt32BE(r.at) : r.buf.readUInt16BE(r.at);
  r.at += long ? 4 : 2;
  need(r, length);
  const text = r.buf.toString('utf8', r.at, r.at + length);
  r.at += length;
  return text;
}

function readProperties(r: Reader, depth: number): Amf0Object {
  // A plain object without a prototype: a key such as __proto__ stays an ordinary key.
  const object: Amf0Object = Object.create(null) as Amf0Object;
  for (let entries = 0; entries <= MAX_ENTRIES; entries++) {
    const key = readString(r);
    need(r, 1);
    if (key === '' && r.buf[r.at] === 0x09) {
      r.at += 1;
      return object;
    }
    object[key] = readValue(r, depth + 1);
  }
  throw new Amf0Error('AMF0 object with too many properties');
}

function readValue(r: Reader, depth: number): Amf0Value {
  if (depth > MAX_DEPTH) throw new Amf0Error('AMF0 nested too deep');
  need(r, 1);
  const marker = r.buf[r.at++];
  switch (marker) {
    case 0x00:
      need(r, 8);
      r.at += 8;
      return r.buf.readDoubleBE(r.at - 8);
    case 0x01:
      need(r, 1);
      return r.buf[r.at++] !== 0;
    case 0x02:
      return readString(r);
    case 0x03:
      return readProperties(r, depth);
    case 0x05:
      return null;
    case 0x06:
      return undefined;
    case 0x08:
      need(r, 4);
      r.at += 4; // the count is a hint; the entries end with the object end marker
      return readProperties(r, depth);
    case 0x0a: {
      need(r, 4);
      const count = r.buf.readUInt32BE(r.at);
      r.at += 4;
      if (count > MAX_ENTRIES) throw new Amf0Error('AMF0 array too long');
      return Array.from({ length: count }, () => readValue(r, depth + 1));
    }
    case 0x0b:
      need(r, 10);
      r.at += 10;
      return r.buf.readDoubleBE(r.at - 10);
    case 0x0c:
      return readString(r, true);
    default:
      throw new Amf0Error(`AMF0 type ${marker} not supported`);
  }
}

/** Writes numbers, booleans, strings, null and flat objects: all the server ever answers. */
export function writeAmf0(...values: Amf0Value[]): Buffer {
  return Buffer.concat(values.map(writeValue));
}

function writeValue(value: Amf0Value): Buffer {
  if (value === null || value === undefined) return Buffer.from([0x05]);
  if (typeof value === 'number') {
    const b = Buffer.alloc(9);
    b[0] = 0x00;
    b.writeDoubleBE(value, 1);
    return b;
  }
  if (typeof value === 'boolean') return Buffer.from([0x01, value ? 1 : 0]);
  if (typeof value === 'string') return Buffer.concat([Buffer.from([0x02]), stringBytes(value)]);
  if (Array.isArray(value)) throw new Amf0Error('arrays are not written');
  const parts: Buffer[] = [Buffer.from([0x03])];
  for (const [key, v] of Object.entries(value)) parts.push(stringBytes(key), writeValue(v));
  parts.push(Buffer.from([0x00, 0x00, 0x09]));
  return Buffer.concat(parts);
}

function stringBytes(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const length = Buffer.alloc(2);
  length.writeUInt16BE(Math.min(bytes.length, 0xffff));
  return Buffer.concat([length, bytes.subarray(0, 0xffff)]);
}
