// identity's limits (services/identity/src/profiles/profile.bodies.ts, avatar-store.ts and
// AVATAR_MAX_BYTES' default), shown beside the fields and checked before sending, so a person
// learns them before the server refuses. The server stays the judge: its refusal is shown too.
export const DISPLAY_NAME_MAX = 50;
export const BIO_MAX = 160;
/** identity recognises these by their first bytes; the declared type must match. */
export const AVATAR_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
export const AVATAR_MAX_BYTES = 1024 * 1024;

/** Why `file` cannot be an avatar, in words, or undefined when it can. */
export function avatarProblem(file: File): string | undefined {
  if (!AVATAR_TYPES.includes(file.type)) return 'Choose a PNG, JPEG or WebP image.';
  if (file.size > AVATAR_MAX_BYTES) return `This image is ${(file.size / 1024 / 1024).toFixed(1)} MB; the most is 1 MB.`;
  return undefined;
}
