import { userText } from '@onair/http';
import { z } from 'zod';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../passwords/password-policy.js';

/** POST /v1/accounts. Strict: an unknown field is an error, not silently dropped. */
export const CreateAccountBody = z.strictObject({
  handle: z
    .string()
    .min(3)
    .max(15)
    .regex(/^[A-Za-z0-9_]+$/, 'only letters, digits and _')
    .transform((h) => h.toLowerCase()),
  email: z.email().max(254).transform((e) => e.toLowerCase()),
  password: z.string().min(MIN_PASSWORD_LENGTH).max(MAX_PASSWORD_LENGTH),
  displayName: userText({ max: 50 }).optional(),
});

export type CreateAccountBody = z.infer<typeof CreateAccountBody>;

/** DELETE /v1/accounts/me: the password again, so a stolen access token cannot delete an account. */
export const DeleteAccountBody = z.strictObject({ password: z.string().min(1).max(MAX_PASSWORD_LENGTH) });
export type DeleteAccountBody = z.infer<typeof DeleteAccountBody>;
