import { z } from 'zod';

/** POST /v1/accounts. Strict: an unknown field is an error, not silently dropped. */
export const CreateAccountBody = z.strictObject({
  handle: z
    .string()
    .min(3)
    .max(15)
    .regex(/^[A-Za-z0-9_]+$/, 'only letters, digits and _')
    .transform((h) => h.toLowerCase()),
  email: z.email().max(254).transform((e) => e.toLowerCase()),
  displayName: z.string().trim().min(1).max(50).optional(),
});

export type CreateAccountBody = z.infer<typeof CreateAccountBody>;
