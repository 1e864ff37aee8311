import { z } from 'zod';

export const SignInBody = z.strictObject({
  /** Handle or email. */
  login: z.string().min(3).max(254).transform((l) => l.toLowerCase()),
  password: z.string().min(1).max(128),
});
export type SignInBody = z.infer<typeof SignInBody>;

export const RefreshBody = z.strictObject({
  refreshToken: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not a refresh token'),
});
export type RefreshBody = z.infer<typeof RefreshBody>;

export const TokenPairView = {
  type: 'object',
  required: ['accessToken', 'refreshToken', 'tokenType', 'expiresIn'],
  properties: {
    accessToken: { type: 'string', description: 'EdDSA JWT; send as Authorization: Bearer' },
    refreshToken: { type: 'string', description: 'opaque; single use, rotated on every refresh' },
    tokenType: { type: 'string', enum: ['Bearer'] },
    expiresIn: { type: 'integer', description: 'seconds until the access token expires' },
  },
};
