import type { types } from 'mediasoup';

/**
 * What every Router offers: VP8 (the publisher sends three simulcast layers) and Opus.
 * Nothing else: a browser that cannot send VP8 cannot publish here.
 */
export const MEDIA_CODECS: types.RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  {
    kind: 'video',
    mimeType: 'video/VP8',
    clockRate: 90000,
    parameters: { 'x-google-start-bitrate': 1000 },
  },
];
