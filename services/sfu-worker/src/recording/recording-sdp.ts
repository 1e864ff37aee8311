import type { types } from 'mediasoup';

/** One stream mediasoup sends to ffmpeg: RTP on `rtpPort`, RTCP on `rtpPort + 1`. */
export interface RecordedStream {
  kind: types.MediaKind;
  rtpPort: number;
  rtpParameters: types.RtpParameters;
}

/** The SDP that tells ffmpeg what arrives on which local port (mediasoup's recording examples). */
export function recordingSdp(streams: RecordedStream[], ip = '127.0.0.1'): string {
  const lines = ['v=0', `o=- 0 0 IN IP4 ${ip}`, 's=onair-recording', `c=IN IP4 ${ip}`, 't=0 0'];
  for (const { kind, rtpPort, rtpParameters } of streams) {
    const codec = rtpParameters.codecs[0];
    const [, name] = codec.mimeType.split('/');
    const pt = codec.payloadType;
    lines.push(`m=${kind} ${rtpPort} RTP/AVP ${pt}`, `a=rtcp:${rtpPort + 1}`);
    lines.push(`a=rtpmap:${pt} ${name}/${codec.clockRate}${codec.channels ? `/${codec.channels}` : ''}`);
    const fmtp = Object.entries(codec.parameters ?? {}).map(([k, v]) => `${k}=${v}`);
    if (fmtp.length) lines.push(`a=fmtp:${pt} ${fmtp.join(';')}`);
    lines.push('a=recvonly');
  }
  return `${lines.join('\n')}\n`;
}
