import { recordingSdp } from './recording-sdp.js';

describe('recordingSdp', () => {
  it('describes each consumed stream on its port, with its payload type and codec', () => {
    const sdp = recordingSdp([
      { kind: 'audio', rtpPort: 50000, rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } }] } },
      { kind: 'video', rtpPort: 50002, rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }] } },
    ]);
    expect(sdp).toContain('m=audio 50000 RTP/AVP 100\na=rtcp:50001\na=rtpmap:100 opus/48000/2\na=fmtp:100 useinbandfec=1\na=recvonly');
    expect(sdp).toContain('m=video 50002 RTP/AVP 101\na=rtcp:50003\na=rtpmap:101 VP8/90000\na=recvonly');
    expect(sdp.startsWith('v=0\n')).toBe(true);
  });
});

describe('recordingSdp refuses what would add lines to the SDP', () => {
  const stream = (codec: Record<string, unknown>) => ({ kind: 'video' as const, rtpPort: 50002, rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, ...codec }] } as never });

  it.each([
    ['a parameter value with a line break', { parameters: { 'profile-id': '0\r\nc=IN IP4 192.0.2.1' } }],
    ['a parameter name with a line break', { parameters: { 'x\na=sendonly': 1 } }],
    ['a mime type with a line break', { mimeType: 'video/VP8\r\nm=audio 9 RTP/AVP 0' }],
    ['a non-numeric payload type', { payloadType: '101\na=x' }],
  ])('%s', (_what, codec) => {
    expect(() => recordingSdp([stream(codec)])).toThrow(/refusing to write/);
  });
});
