import { readAmf0, writeAmf0 } from './amf0.js';
import { avcProfileLevelId, flvTag, isConstrainedBaseline } from './flv.js';

describe('FLV framing and H.264 profiles', () => {
  it('frames a tag with its 24+8-bit timestamp and the previous-tag-size trailer', () => {
    const tag = flvTag(9, 0x01020304, Buffer.from('abc'));
    expect(tag.toString('hex')).toBe('09' + '000003' + '020304' + '01' + '000000' + '616263' + '0000000e');
  });

  it('reads the profile-level-id of an AVC sequence header only', () => {
    const header = Buffer.from([0x17, 0x00, 0, 0, 0, 0x01, 0x42, 0xc0, 0x1e, 0xff]);
    expect(avcProfileLevelId(header)).toBe('42c01e');
    expect(avcProfileLevelId(Buffer.from([0x17, 0x01, 0, 0, 0, 0, 0, 0, 0]))).toBeUndefined(); // a frame
    expect(avcProfileLevelId(Buffer.from([0x12, 0x00, 0, 0, 0, 1, 0x42, 0xc0, 0x1e]))).toBeUndefined(); // not AVC
  });

  it.each([
    ['42e01f', true],
    ['42c01e', true],
    ['42001f', false],
    ['4d001f', false],
    ['64001f', false],
  ])('%s passes through: %s', (id, copy) => expect(isConstrainedBaseline(id)).toBe(copy));
});

describe('AMF0', () => {
  it('reads what it writes, and commands as encoders send them', () => {
    const bytes = writeAmf0('connect', 1, { app: 'live', flashVer: 'FMLE/3.0', n: 2 }, null, true);
    expect(readAmf0(bytes)).toEqual(['connect', 1, { app: 'live', flashVer: 'FMLE/3.0', n: 2 }, null, true]);
  });

  it('keeps __proto__ an ordinary key and refuses deep nesting and values past the end', () => {
    const proto = Buffer.concat([Buffer.from([0x03, 0x00, 0x09]), Buffer.from('__proto__'), Buffer.from([0x05, 0x00, 0x00, 0x09])]);
    const [object] = readAmf0(proto) as [Record<string, unknown>];
    expect(Object.getPrototypeOf(object)).toBeNull();
    expect(Object.keys(object)).toEqual(['__proto__']);
    const deep = Buffer.concat([...Array.from({ length: 10 }, () => Buffer.from([0x03, 0x00, 0x01, 0x61]))]);
    expect(() => readAmf0(deep)).toThrow(/too deep/);
    expect(() => readAmf0(Buffer.from([0x02, 0x00, 0x10, 0x61]))).toThrow(/past the end/);
  });
});
