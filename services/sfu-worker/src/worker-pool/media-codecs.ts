import type { types } from 'mediasoup';

/**
 * What every Router offers: VP8 (a browser publisher sends three simulcast layers) and Opus, then
 * H.264 Constrained Baseline with packetization-mode 1, which encoders publishing over WHIP
 * (OBS) offer. Order matters: mediasoup-client takes the first codec the browser supports, so
 * browser publishers keep sending VP8; H.264 is for WHIP offers that prefer it.
 */
export const MEDIA_CODECS: types.RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  {
    kind: 'video',
    mimeType: 'video/VP8',
    clockRate: 90000,
    parameters: { 'x-google-start-bitrate': 1000 },
  },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1, 'x-google-start-bitrate': 1000 },
  },
];
