import type { types } from 'mediasoup';

/** One stream mediasoup sends to ffmpeg: RTP on `rtpPort`, RTCP on `rtpPort + 1`. */
export interface RecordedStream {
  kind: types.MediaKind;
  rtpPort: number;
  rtpParameters: types.RtpParameters;
}

// Only what can be written into an SDP line as is: the publisher's rtpParameters were validated
// at `produce`, and this checks again at the point where a stray "\r\n" would add lines to the
// file ffmpeg reads (another route to a Producer must not open a way around that).
const TOKEN = /^[A-Za-z0-9-]{1,32}$/;
const NUMBER = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n < 2 ** 32;

/** A stream that cannot be described safely: recording refuses it rather than write it. */
export class UnsafeSdpValueError extends Error {
  constructor(what: string) {
    super(`refusing to write ${what} into the recording SDP`);
  }
}

function codecLines(codec: types.RtpCodecParameters): string[] {
  const [type, name, ...rest] = codec.mimeType.split('/');
  if (rest.length > 0 || !TOKEN.test(type) || !TOKEN.test(name ?? '')) throw new UnsafeSdpValueError(`mimeType ${JSON.stringify(codec.mimeType)}`);
  for (const n of [codec.payloadType, codec.clockRate, codec.channels ?? 1]) if (!NUMBER(n)) throw new UnsafeSdpValueError(`number ${JSON.stringify(n)}`);
  const pt = codec.payloadType;
  const lines = [`a=rtpmap:${pt} ${name}/${codec.clockRate}${codec.channels ? `/${codec.channels}` : ''}`];
  const fmtp = Object.entries(codec.parameters ?? {}).map(([k, v]) => {
    if (!TOKEN.test(k) || !(NUMBER(v) || (typeof v === 'string' && TOKEN.test(v)))) throw new UnsafeSdpValueError(`parameter ${JSON.stringify(k)}=${JSON.stringify(v)}`);
    return `${k}=${v}`;
  });
  if (fmtp.length) lines.push(`a=fmtp:${pt} ${fmtp.join(';')}`);
  return lines;
}

/** The SDP that tells ffmpeg what arrives on which local port (mediasoup's recording examples). */
export function recordingSdp(streams: RecordedStream[], ip = '127.0.0.1'): string {
  const lines = ['v=0', `o=- 0 0 IN IP4 ${ip}`, 's=onair-recording', `c=IN IP4 ${ip}`, 't=0 0'];
  for (const { kind, rtpPort, rtpParameters } of streams) {
    if ((kind !== 'audio' && kind !== 'video') || !NUMBER(rtpPort)) throw new UnsafeSdpValueError(`stream ${kind}:${rtpPort}`);
    const codec = rtpParameters.codecs[0];
    lines.push(`m=${kind} ${rtpPort} RTP/AVP ${codec.payloadType}`, `a=rtcp:${rtpPort + 1}`, ...codecLines(codec), 'a=recvonly');
  }
  return `${lines.join('\n')}\n`;
}
