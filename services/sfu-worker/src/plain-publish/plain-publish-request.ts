import type { types } from 'mediasoup';
import { z } from 'zod';

const PayloadType = z.number().int().min(96).max(127);
const Ssrc = z.number().int().min(1).max(0xffffffff);

/**
 * What a plain-RTP sender (the RTMP ingest's ffmpeg) will send: H.264 with packetization mode 1
 * (the profile the node's Routers carry, Constrained Baseline today: mediasoup refuses others
 * with SFU.INVALID_MEDIA_PARAMETERS) and Opus 48 kHz stereo, each one SSRC, one RTP stream.
 */
export const PlainPublishRequestSchema = z
  .strictObject({
    video: z.strictObject({ payloadType: PayloadType, ssrc: Ssrc, profileLevelId: z.string().regex(/^[0-9a-fA-F]{6}$/) }).optional(),
    audio: z.strictObject({ payloadType: PayloadType, ssrc: Ssrc }).optional(),
  })
  .refine((r) => r.video || r.audio, { message: 'video, audio or both' })
  .refine((r) => !r.video || !r.audio || (r.video.payloadType !== r.audio.payloadType && r.video.ssrc !== r.audio.ssrc), {
    message: 'video and audio need their own payload type and SSRC',
  });
export type PlainPublishRequest = z.infer<typeof PlainPublishRequestSchema>;

const FEEDBACK: types.RtcpFeedback[] = [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }];

export function videoRtpParameters(v: NonNullable<PlainPublishRequest['video']>): types.RtpParameters {
  return {
    codecs: [
      {
        mimeType: 'video/H264',
        payloadType: v.payloadType,
        clockRate: 90000,
        parameters: { 'packetization-mode': 1, 'profile-level-id': v.profileLevelId.toLowerCase(), 'level-asymmetry-allowed': 1 },
        rtcpFeedback: FEEDBACK,
      },
    ],
    encodings: [{ ssrc: v.ssrc }],
  };
}

export function audioRtpParameters(a: NonNullable<PlainPublishRequest['audio']>): types.RtpParameters {
  return {
    codecs: [{ mimeType: 'audio/opus', payloadType: a.payloadType, clockRate: 48000, channels: 2, parameters: { 'sprop-stereo': 1 }, rtcpFeedback: [] }],
    encodings: [{ ssrc: a.ssrc }],
  };
}
