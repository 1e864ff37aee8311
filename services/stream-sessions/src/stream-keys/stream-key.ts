import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A stream key: `osk_<broadcast id, 32 hex>_<secret, 43 base64url chars: 32 random bytes>`.
 * The broadcast id inside lets an ingest that has no broadcast in its URL (RTMP: a server URL
 * and a key) find the broadcast from the key alone; the 256-bit secret is what authenticates.
 */
const KEY_PATTERN = /^osk_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;
/** The longest text worth parsing as a key: anything longer is refused before any work. */
export const MAX_STREAM_KEY_LENGTH = 128;

export interface NewStreamKey {
  key: string;
  sha256: Buffer;
  /** The key's last characters, shown to the owner to tell keys apart. */
  hint: string;
}

export function newStreamKey(broadcastId: string): NewStreamKey {
  const key = `osk_${broadcastId.replaceAll('-', '')}_${randomBytes(32).toString('base64url')}`;
  return { key, sha256: sha256(key), hint: key.slice(-4) };
}

/** The broadcast a well-formed key names, or undefined for anything else. */
export function broadcastOfKey(presented: string): string | undefined {
  if (presented.length > MAX_STREAM_KEY_LENGTH) return undefined;
  const hex = KEY_PATTERN.exec(presented)?.[1];
  return hex && `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Constant time over the digests: how much of a guess matched never shows in the timing. */
export function keyMatches(presented: string, storedSha256: Buffer): boolean {
  const digest = sha256(presented);
  return storedSha256.length === digest.length && timingSafeEqual(digest, storedSha256);
}

const sha256 = (key: string) => createHash('sha256').update(key, 'utf8').digest();
