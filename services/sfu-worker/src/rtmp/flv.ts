/**
 * FLV, as ffmpeg reads it from a pipe: the RTMP audio, video and data messages are FLV tags
 * already (same type numbers, same bodies), so the ingest only frames them.
 */
export const FLV_HEADER = Buffer.from([0x46, 0x4c, 0x56, 0x01, 0x05, 0, 0, 0, 9, 0, 0, 0, 0]);

/** Tag types, the RTMP message types of the same media. */
export const TAG_AUDIO = 8;
export const TAG_VIDEO = 9;
export const TAG_SCRIPT = 18;

export function flvTag(type: number, timestamp: number, body: Buffer): Buffer {
  const header = Buffer.alloc(11);
  header[0] = type;
  header.writeUIntBE(body.length, 1, 3);
  header.writeUIntBE(timestamp & 0xffffff, 4, 3);
  header[7] = (timestamp >>> 24) & 0xff;
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32BE(11 + body.length);
  return Buffer.concat([header, body, trailer]);
}

/**
 * The H.264 profile-level-id (6 hex digits: profile_idc, constraint flags, level_idc) of an
 * AVC sequence header video tag (codec 7, AVC packet type 0), read from its
 * AVCDecoderConfigurationRecord; undefined for any other tag.
 */
export function avcProfileLevelId(videoBody: Buffer): string | undefined {
  if (videoBody.length < 9 || (videoBody[0] & 0x80) !== 0 || (videoBody[0] & 0x0f) !== 7 || videoBody[1] !== 0) return undefined;
  return videoBody.subarray(6, 9).toString('hex');
}

/** Whether a video tag is H.264 (legacy FLV codec id 7), whose sequence header names its profile. */
export const isAvc = (videoBody: Buffer): boolean => videoBody.length >= 1 && (videoBody[0] & 0x80) === 0 && (videoBody[0] & 0x0f) === 7;

/**
 * Whether the Routers can carry this H.264 stream as it is: Constrained Baseline (profile_idc
 * 66 with constraint_set1), what media-codecs.ts offers and every browser decodes. Level does not
 * matter (level-asymmetry-allowed). Anything else (Main, High: OBS's default) is transcoded.
 */
export function isConstrainedBaseline(profileLevelId: string): boolean {
  const profile = parseInt(profileLevelId.slice(0, 2), 16);
  const constraints = parseInt(profileLevelId.slice(2, 4), 16);
  return profile === 0x42 && (constraints & 0x40) !== 0;
}
