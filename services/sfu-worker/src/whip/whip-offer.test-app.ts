// Test-only: SDP offers as a WHIP client writes them (Chromium's RTCPeerConnection, sendonly
// transceivers for the fake camera and microphone; OBS's are alike), with the knobs the specs turn.
import { randomBytes } from 'node:crypto';

export interface OfferShape {
  /** The video codecs offered, in order of preference; [] leaves video out. */
  video?: Array<'VP8' | 'H264' | 'VP9'>;
  audio?: boolean;
  /** false: no a=group:BUNDLE. */
  bundle?: boolean;
  setup?: 'actpass' | 'active' | 'passive';
  /** More m-sections after audio and video (data channels), to test the cap. */
  extraSections?: number;
  ufrag?: string;
}

const fingerprint = () => [...randomBytes(32)].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');

const VIDEO_PT = { VP8: [96, 97], VP9: [98, 99], H264: [102, 103] } as const;

function videoCodec(name: 'VP8' | 'H264' | 'VP9'): string[] {
  const [pt, rtx] = VIDEO_PT[name];
  const fb = ['goog-remb', 'transport-cc', 'ccm fir', 'nack', 'nack pli'].map((f) => `a=rtcp-fb:${pt} ${f}`);
  const fmtp = name === 'H264' ? [`a=fmtp:${pt} level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f`] : name === 'VP9' ? [`a=fmtp:${pt} profile-id=0`] : [];
  return [`a=rtpmap:${pt} ${name}/90000`, ...fb, ...fmtp, `a=rtpmap:${rtx} rtx/90000`, `a=fmtp:${rtx} apt=${pt}`];
}

export function whipOffer(shape: OfferShape = {}): string {
  const { video = ['VP8', 'VP9', 'H264'], audio = true, bundle = true, setup = 'actpass', extraSections = 0, ufrag = 'whipufrag' } = shape;
  const transport = [`a=ice-ufrag:${ufrag}`, 'a=ice-pwd:whippasswordwhippassword', 'a=ice-options:trickle', `a=fingerprint:sha-256 ${fingerprint()}`, `a=setup:${setup}`];
  const sections: string[][] = [];
  if (audio) {
    sections.push([
      'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 0 126',
      'c=IN IP4 0.0.0.0',
      ...transport,
      `a=mid:${sections.length}`,
      'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
      'a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
      'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
      'a=sendonly',
      'a=msid:camera mic',
      'a=rtcp-mux',
      'a=rtcp-rsize',
      'a=rtpmap:111 opus/48000/2',
      'a=rtcp-fb:111 transport-cc',
      'a=fmtp:111 minptime=10;useinbandfec=1',
      'a=rtpmap:63 red/48000/2',
      'a=fmtp:63 111/111',
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:126 telephone-event/8000',
      'a=ssrc:1111 cname:whip-test',
      'a=ssrc:1111 msid:camera mic',
    ]);
  }
  if (video.length) {
    sections.push([
      `m=video 9 UDP/TLS/RTP/SAVPF ${video.flatMap((v) => VIDEO_PT[v]).join(' ')}`,
      'c=IN IP4 0.0.0.0',
      ...transport,
      `a=mid:${sections.length}`,
      'a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
      'a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
      'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
      'a=extmap:13 urn:3gpp:video-orientation',
      'a=sendonly',
      'a=msid:camera cam',
      'a=rtcp-mux',
      'a=rtcp-rsize',
      ...video.flatMap(videoCodec),
      'a=ssrc-group:FID 2222 3333',
      'a=ssrc:2222 cname:whip-test',
      'a=ssrc:3333 cname:whip-test',
    ]);
  }
  for (let i = 0; i < extraSections; i++) {
    sections.push(['m=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'c=IN IP4 0.0.0.0', ...transport, `a=mid:${sections.length}`, 'a=sctp-port:5000']);
  }
  const mids = sections.map((_, i) => i).join(' ');
  const head = ['v=0', 'o=- 4611731400430051336 2 IN IP4 127.0.0.1', 's=-', 't=0 0', ...(bundle ? [`a=group:BUNDLE ${mids}`] : []), 'a=msid-semantic: WMS camera'];
  return `${[...head, ...sections.flat()].join('\r\n')}\r\n`;
}
