import type { types } from 'mediasoup';
import { randomInt } from 'node:crypto';
import { write, type MediaDescription, type SessionDescription } from 'sdp-transform';

type AnswerSection = SessionDescription['media'][number];
import type { AcceptedMedia, OfferedSection, WhipOffer } from './whip-offer.js';

/** What the answer says of this node's side: the WebRtcTransport's ICE and DTLS parameters. */
export interface LocalTransport {
  iceParameters: types.IceParameters;
  iceCandidates: types.IceCandidate[];
  dtlsParameters: types.DtlsParameters;
}

/**
 * The SDP answer: ICE-lite (the node never checks connectivity itself; the encoder's checks
 * reach its WebRtcServer), DTLS passive, every taken m-section recvonly in one BUNDLE with the
 * offer's payload types, and the refused ones at port 0.
 */
export function writeWhipAnswer(offer: WhipOffer, local: LocalTransport): string {
  const fingerprint = local.dtlsParameters.fingerprints.find((f) => f.algorithm === 'sha-256') ?? local.dtlsParameters.fingerprints[0];
  const accepted = offer.taken.map((a) => a.mid);
  const answer: SessionDescription = {
    version: 0,
    origin: { username: '-', sessionId: randomInt(1, 2 ** 47), sessionVersion: 2, netType: 'IN', ipVer: 4, address: '127.0.0.1' },
    name: '-',
    timing: { start: 0, stop: 0 },
    icelite: 'ice-lite',
    fingerprint: { type: fingerprint.algorithm, hash: fingerprint.value },
    groups: [{ type: 'BUNDLE', mids: accepted.join(' ') }],
    msidSemantic: { semantic: 'WMS', token: '*' },
    media: offer.sections.map((s) => (s.accepted ? takenSection(s.accepted, local) : refusedSection(s))),
  };
  return write(answer);
}

function takenSection(a: AcceptedMedia, local: LocalTransport): AnswerSection {
  return {
    type: a.kind,
    port: 9,
    protocol: 'UDP/TLS/RTP/SAVPF',
    payloads: a.rtp.map((r) => r.payload).join(' '),
    connection: { version: 4, ip: '0.0.0.0' },
    mid: a.mid,
    direction: 'recvonly',
    setup: 'passive',
    iceUfrag: local.iceParameters.usernameFragment,
    icePwd: local.iceParameters.password,
    rtcpMux: 'rtcp-mux',
    ...(a.rtcpRsize ? { rtcpRsize: 'rtcp-rsize' } : {}),
    rtp: a.rtp,
    fmtp: a.fmtp,
    rtcpFb: a.rtcpFb,
    ext: a.ext.map(({ value, uri }) => ({ value, uri })),
    candidates: candidateLines(local.iceCandidates),
    endOfCandidates: 'end-of-candidates',
  };
}

function refusedSection(s: OfferedSection): AnswerSection {
  return { type: s.type, port: 0, protocol: s.protocol, payloads: s.payloads || '0', mid: s.mid, direction: 'inactive', rtp: [], fmtp: [] };
}

/** The transport's candidates as a=candidate lines (also in an ICE restart's answer). */
export const candidateLines = (candidates: types.IceCandidate[]): NonNullable<MediaDescription['candidates']> =>
  candidates.map((c) => ({
    foundation: c.foundation,
    component: 1,
    transport: c.protocol,
    priority: c.priority,
    ip: c.ip,
    port: c.port,
    type: c.type,
    ...(c.tcpType ? { tcptype: c.tcpType } : {}),
  }));

/**
 * The answer to an ICE restart (RFC 9725 §4.4.2, application/trickle-ice-sdpfrag): the node's new
 * ICE credentials and its candidates, under the first bundled m-section.
 */
export function writeIceRestartFragment(ice: types.IceParameters, candidates: types.IceCandidate[], a: AcceptedMedia): string {
  const lines = [
    'a=ice-lite',
    `a=ice-ufrag:${ice.usernameFragment}`,
    `a=ice-pwd:${ice.password}`,
    `m=${a.kind} 9 UDP/TLS/RTP/SAVPF ${a.rtp.map((r) => r.payload).join(' ')}`,
    `a=mid:${a.mid}`,
    ...candidateLines(candidates).map((c) => `a=candidate:${c.foundation} 1 ${c.transport} ${c.priority} ${c.ip} ${c.port} typ ${c.type}${c.tcptype ? ` tcptype ${c.tcptype}` : ''}`),
    'a=end-of-candidates',
  ];
  return `${lines.join('\r\n')}\r\n`;
}
