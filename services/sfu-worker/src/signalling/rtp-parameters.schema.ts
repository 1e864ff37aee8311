import { getSupportedRtpCapabilities } from 'mediasoup';
import { z } from 'zod';
import { MEDIA_CODECS } from '../worker-pool/media-codecs.js';

// What a publisher may send in `produce`, checked field by field before mediasoup sees it.
// mediasoup copies a producer's codec parameters to its consumers, and the recorder writes them
// into ffmpeg's SDP: a value with a line break would add lines there. So every name comes from
// a list, every value is a number or a short token, and nothing else passes.

const supported = getSupportedRtpCapabilities();

/** The Routers' codecs (MEDIA_CODECS) and the RTX that mediasoup pairs with each video codec. */
const MIME_TYPES = new Set([...MEDIA_CODECS.map((c) => c.mimeType.toLowerCase()), 'video/rtx']);

/** fmtp parameters browsers send for these codecs (RFC 7587 for Opus, libwebrtc's for VP8, RFC 4588 for RTX). */
const CODEC_PARAMETERS: Record<string, readonly string[]> = {
  'audio/opus': [
    'minptime',
    'ptime',
    'maxptime',
    'useinbandfec',
    'usedtx',
    'stereo',
    'sprop-stereo',
    'maxplaybackrate',
    'sprop-maxcapturerate',
    'maxaveragebitrate',
    'cbr',
  ],
  'video/vp8': ['x-google-start-bitrate', 'x-google-min-bitrate', 'x-google-max-bitrate', 'max-fr', 'max-fs'],
  // RFC 6184; a native client publishing H.264 (browsers take VP8, the Routers' first video codec).
  'video/h264': ['packetization-mode', 'profile-level-id', 'level-asymmetry-allowed', 'x-google-start-bitrate', 'x-google-min-bitrate', 'x-google-max-bitrate'],
  'video/rtx': ['apt', 'rtx-time'],
};

/** Header extensions and RTCP feedback: exactly the ones mediasoup itself supports. */
const HEADER_EXTENSION_URIS = new Set(supported.headerExtensions!.map((h) => h.uri));
const FEEDBACK = new Set(
  supported.codecs!.flatMap((c) =>
    (c.rtcpFeedback ?? []).map((f) => `${f.type} ${f.parameter ?? ''}`.trim()),
  ),
);

const uint32 = z.number().int().min(0).max(0xffffffff);
const payloadType = z.number().int().min(0).max(127);
/** Parameters whose value is a hex token rather than a number (RFC 6184 profile-level-id: 3 bytes). */
const HEX_PARAMETERS = new Set(['profile-level-id']);

/** An fmtp value: a non-negative integer (mediasoup-client hands them over as numbers), or 3 bytes of hex. */
const parameterValue = z.union([
  z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
  z.string().regex(/^[0-9A-Fa-f]{6}$/),
]);

const Codec = z
  .strictObject({
    mimeType: z
      .string()
      .refine((m) => MIME_TYPES.has(m.toLowerCase()), { message: `one of ${[...MIME_TYPES].join(', ')}` }),
    payloadType,
    clockRate: z.union([z.literal(48000), z.literal(90000)]),
    channels: z.number().int().min(1).max(2).optional(),
    parameters: z.record(z.string().max(32), parameterValue).optional(),
    rtcpFeedback: z
      .array(
        z
          .strictObject({ type: z.string().max(32), parameter: z.string().max(32).optional() })
          .refine((f) => FEEDBACK.has(`${f.type} ${f.parameter ?? ''}`.trim()), {
            message: 'an RTCP feedback mediasoup supports',
          }),
      )
      .max(10)
      .optional(),
  })
  .superRefine((codec, ctx) => {
    const allowed = CODEC_PARAMETERS[codec.mimeType.toLowerCase()] ?? [];
    for (const [name, value] of Object.entries(codec.parameters ?? {})) {
      if (!allowed.includes(name))
        ctx.addIssue({
          code: 'custom',
          path: ['parameters', name],
          message: `not a parameter of ${codec.mimeType}`,
        });
      else if (typeof value !== (HEX_PARAMETERS.has(name) ? 'string' : 'number'))
        ctx.addIssue({ code: 'custom', path: ['parameters', name], message: HEX_PARAMETERS.has(name) ? 'six hex digits' : 'a number' });
    }
  });

const Encoding = z.strictObject({
  ssrc: uint32.optional(),
  rid: z
    .string()
    .regex(/^[A-Za-z0-9]{1,16}$/)
    .optional(),
  codecPayloadType: payloadType.optional(),
  rtx: z.strictObject({ ssrc: uint32 }).optional(),
  dtx: z.boolean().optional(),
  scalabilityMode: z
    .string()
    .regex(/^(L[1-3]T[1-3](_KEY)?|S[1-3]T[1-3])$/)
    .optional(),
  scaleResolutionDownBy: z.number().min(1).max(64).optional(),
  maxBitrate: z.number().int().min(0).max(100_000_000).optional(),
  maxFramerate: z.number().min(0).max(120).optional(),
  adaptivePtime: z.boolean().optional(),
  active: z.boolean().optional(),
  priority: z.enum(['very-low', 'low', 'medium', 'high']).optional(),
  networkPriority: z.enum(['very-low', 'low', 'medium', 'high']).optional(),
});

const HeaderExtension = z.strictObject({
  uri: z
    .string()
    .refine((u) => HEADER_EXTENSION_URIS.has(u), { message: 'a header extension mediasoup supports' }),
  id: z.number().int().min(1).max(255),
  encrypt: z.boolean().optional(),
  parameters: z.strictObject({}).optional(),
});

/** `produce`'s rtpParameters: mediasoup's RtpParameters, every field known and bounded. */
export const PublishedRtpParameters = z
  .strictObject({
    mid: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,32}$/)
      .optional(),
    // "<stream id> <track id>", sent by mediasoup-client; mediasoup 3.12 has no use for it (dropped below).
    msid: z
      .string()
      .regex(/^[A-Za-z0-9{}_.-]{1,64}( [A-Za-z0-9{}_.-]{1,64})?$/)
      .optional(),
    codecs: z.array(Codec).min(1).max(4),
    encodings: z.array(Encoding).max(3).optional(),
    headerExtensions: z.array(HeaderExtension).max(20).optional(),
    rtcp: z
      .strictObject({
        cname: z
          .string()
          .regex(/^[A-Za-z0-9+/=_.{}-]{0,64}$/)
          .optional(),
        reducedSize: z.boolean().optional(),
        mux: z.boolean().optional(),
      })
      .optional(),
  })
  .transform(({ msid: _msid, ...rtpParameters }) => rtpParameters);
