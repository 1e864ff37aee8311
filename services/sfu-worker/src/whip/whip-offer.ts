import { isSameProfile } from 'h264-profile-level-id';
import type { types } from 'mediasoup';
import { parse, parseParams, parsePayloads, type SessionDescription } from 'sdp-transform';
import { WhipOfferInvalidError } from './whip.errors.js';

/** Audio, video, and room for a data channel or a stray section an encoder adds: more is refused unread. */
const MAX_MEDIA_SECTIONS = 4;
const FINGERPRINT_ALGORITHMS = new Set(['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512']);
/** Codecs that only ride along with a media codec; the SFU takes RTX, not these. */
const NOT_MEDIA = new Set(['rtx', 'red', 'ulpfec', 'flexfec-03', 'cn', 'telephone-event']);

type Offered = SessionDescription['media'][number];

/** An m-section the node takes: a Producer's parameters and what the answer echoes of the offer. */
export interface AcceptedMedia {
  kind: types.MediaKind;
  mid: string;
  /** The chosen codec's (and its RTX's) payload types, rtpmap, fmtp and feedback, as offered. */
  rtp: NonNullable<Offered['rtp']>;
  fmtp: NonNullable<Offered['fmtp']>;
  rtcpFb: NonNullable<Offered['rtcpFb']>;
  ext: NonNullable<Offered['ext']>;
  rtcpRsize: boolean;
  rtpParameters: types.RtpParameters;
}

export interface OfferedSection {
  mid: string;
  type: string;
  protocol: string;
  payloads: string;
  /** Undefined: refused in the answer (port 0), e.g. a data channel or a second video. */
  accepted?: AcceptedMedia;
}

export interface WhipOffer {
  sections: OfferedSection[];
  /** The taken m-sections, in the offer's order: never empty. */
  taken: AcceptedMedia[];
  /** The encoder is the DTLS client (it offered actpass or active; this node answers passive). */
  dtlsParameters: types.DtlsParameters;
  /** The encoder's ICE username fragment: a PATCH naming another one is an ICE restart. */
  iceUfrag?: string;
}

/**
 * Reads a WHIP client's SDP offer against the Router's capabilities: at most one audio (Opus)
 * and one video (VP8 or H.264) m-section, sendonly, bundled, with rtcp-mux and an a=ssrc (no
 * simulcast by rid), codecs chosen in the client's order of preference.
 */
export function readWhipOffer(sdp: string, caps: types.RtpCapabilities): WhipOffer {
  let offer: SessionDescription;
  try {
    offer = parse(sdp);
  } catch {
    throw new WhipOfferInvalidError('not SDP');
  }
  const media = offer.media ?? [];
  if (media.length === 0) throw new WhipOfferInvalidError('no m-section');
  if (media.length > MAX_MEDIA_SECTIONS) throw new WhipOfferInvalidError(`more than ${MAX_MEDIA_SECTIONS} m-sections`);
  const sections: OfferedSection[] = [];
  for (const m of media) {
    const mid = m.mid === undefined ? '' : String(m.mid);
    if (!mid || sections.some((s) => s.mid === mid)) throw new WhipOfferInvalidError('every m-section needs its own a=mid');
    const takenKind = sections.some((s) => s.accepted?.kind === m.type);
    const wanted = (m.type === 'audio' || m.type === 'video') && m.port !== 0 && !takenKind && ['sendonly', 'sendrecv', undefined].includes(m.direction);
    sections.push({ mid, type: m.type, protocol: m.protocol, payloads: String(m.payloads ?? ''), accepted: wanted ? acceptMedia(m, mid, caps) : undefined });
  }
  const taken = sections.flatMap((s) => (s.accepted ? [s.accepted] : []));
  if (taken.length === 0) throw new WhipOfferInvalidError('no Opus audio, VP8 or H.264 (packetization-mode 1) video to take');
  // sdp-transform reads a lone mid ("BUNDLE 0") as a number.
  const bundle = String((offer.groups ?? []).find((g) => g.type === 'BUNDLE')?.mids ?? '').split(' ');
  if (taken.length > 1 && taken.some((a) => !bundle.includes(a.mid))) throw new WhipOfferInvalidError('the m-sections must be bundled (a=group:BUNDLE)');
  return { sections, taken, dtlsParameters: dtlsOf(offer), iceUfrag: String(offer.iceUfrag ?? media[0].iceUfrag ?? '') };
}

function dtlsOf(offer: SessionDescription): types.DtlsParameters {
  const fingerprint = offer.fingerprint ?? offer.media.find((m) => m.fingerprint)?.fingerprint;
  if (!fingerprint || !FINGERPRINT_ALGORITHMS.has(fingerprint.type.toLowerCase())) throw new WhipOfferInvalidError('no usable a=fingerprint');
  const setup = offer.media[0].setup ?? (offer as { setup?: string }).setup ?? 'actpass';
  // This node is ICE-lite and DTLS passive: the encoder must be able to be the DTLS client.
  if (setup !== 'actpass' && setup !== 'active') throw new WhipOfferInvalidError(`a=setup:${setup}: the encoder must offer actpass or active`);
  return { role: 'client', fingerprints: [{ algorithm: fingerprint.type.toLowerCase(), value: fingerprint.hash }] };
}

function acceptMedia(m: Offered, mid: string, caps: types.RtpCapabilities): AcceptedMedia | undefined {
  if (!m.rtcpMux) throw new WhipOfferInvalidError(`m-section ${mid}: rtcp-mux is required`);
  const kind = m.type as types.MediaKind;
  const fmtpOf = (pt: number) => (m.fmtp ?? []).find((f) => f.payload === pt);
  let chosen: { pt: number; cap: types.RtpCodecCapability } | undefined;
  for (const pt of parsePayloads(String(m.payloads ?? ''))) {
    const rtp = (m.rtp ?? []).find((r) => r.payload === pt);
    if (!rtp || NOT_MEDIA.has(String(rtp.codec).toLowerCase())) continue;
    const params = parseParams(String(fmtpOf(pt)?.config ?? ''));
    const cap = caps.codecs?.find((c) => c.kind === kind && sameCodec(c, `${kind}/${rtp.codec}`, rtp.rate, rtp.encoding, params));
    if (cap) {
      chosen = { pt, cap };
      break;
    }
  }
  if (!chosen) return undefined;
  const { pt, cap } = chosen;
  const rtxPt = (m.rtp ?? []).find((r) => String(r.codec).toLowerCase() === 'rtx' && Number(parseParams(String(fmtpOf(r.payload)?.config ?? '')).apt) === pt)?.payload;
  const payloads = rtxPt === undefined ? [pt] : [pt, rtxPt];
  const rtcpFb = (m.rtcpFb ?? []).filter(
    (f) => Number(f.payload) === pt && (cap.rtcpFeedback ?? []).some((c) => c.type === f.type && (c.parameter ?? '') === (f.subtype ?? '')),
  );
  const ext = (m.ext ?? []).filter((e) => (caps.headerExtensions ?? []).some((h) => h.kind === kind && h.uri === e.uri));
  const { ssrc, rtxSsrc, cname } = ssrcsOf(m, mid);
  const rtpParameters: types.RtpParameters = {
    mid,
    codecs: [
      {
        mimeType: cap.mimeType,
        payloadType: pt,
        clockRate: cap.clockRate,
        ...(kind === 'audio' ? { channels: cap.channels } : {}),
        parameters: parseParams(String(fmtpOf(pt)?.config ?? '')),
        rtcpFeedback: rtcpFb.map((f) => ({ type: f.type, parameter: f.subtype ?? '' })),
      },
      ...(rtxPt === undefined ? [] : [{ mimeType: `${kind}/rtx`, payloadType: rtxPt, clockRate: cap.clockRate, parameters: { apt: pt }, rtcpFeedback: [] }]),
    ],
    headerExtensions: ext.map((e) => ({ uri: e.uri, id: e.value, encrypt: false, parameters: {} })),
    encodings: [{ ssrc, ...(rtxPt !== undefined && rtxSsrc !== undefined ? { rtx: { ssrc: rtxSsrc } } : {}) }],
    rtcp: { cname, reducedSize: Boolean(m.rtcpRsize) },
  };
  return {
    kind,
    mid,
    rtp: (m.rtp ?? []).filter((r) => payloads.includes(r.payload)),
    fmtp: (m.fmtp ?? []).filter((f) => payloads.includes(f.payload)),
    rtcpFb,
    ext,
    rtcpRsize: Boolean(m.rtcpRsize),
    rtpParameters,
  };
}

function sameCodec(cap: types.RtpCodecCapability, mimeType: string, rate: number | undefined, channels: number | undefined, params: Record<string, unknown>): boolean {
  if (cap.mimeType.toLowerCase() !== mimeType.toLowerCase() || cap.clockRate !== rate) return false;
  if (cap.kind === 'audio' && (cap.channels ?? 1) !== (channels ?? 1)) return false;
  if (mimeType.toLowerCase() !== 'video/h264') return true;
  // As mediasoup matches a Producer's H.264 to the Router's: same packetization mode and profile.
  return Number(params['packetization-mode'] ?? 0) === Number(cap.parameters?.['packetization-mode'] ?? 0) && isSameProfile(params, cap.parameters);
}

/** The sending SSRC (and its RTX's, from a=ssrc-group:FID) and CNAME: what mediasoup matches RTP by. */
function ssrcsOf(m: Offered, mid: string): { ssrc: number; rtxSsrc?: number; cname: string } {
  const group = (m.ssrcGroups ?? []).find((g) => g.semantics === 'FID');
  const fid = group && String(group.ssrcs).split(' ').map(Number);
  const ssrc = fid?.[0] ?? Number((m.ssrcs ?? [])[0]?.id);
  if (!Number.isInteger(ssrc) || ssrc <= 0) throw new WhipOfferInvalidError(`m-section ${mid} names no a=ssrc (simulcast by rid is not taken over WHIP)`);
  const cname = (m.ssrcs ?? []).find((s) => Number(s.id) === ssrc && s.attribute === 'cname')?.value ?? `whip-${mid}`;
  return { ssrc, rtxSsrc: fid?.[1], cname };
}
