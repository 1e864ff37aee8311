import { userText } from '@onair/http';
import { z } from 'zod';
import { AccountIdSchema, type Brand } from '../accounts/account-id.js';

export type CircleId = Brand<string, 'CircleId'>;

export const MAX_CIRCLES_PER_OWNER = 50;
export const MAX_MEMBERS_PER_CIRCLE = 5000;

export const CircleIdSchema = z.uuid().transform((id) => id.toLowerCase() as CircleId);

/** POST /v1/graph/circles and PATCH /v1/graph/circles/:circleId. */
export const CircleBody = z.strictObject({
  name: userText({ max: 50 }),
});
export type CircleBody = z.infer<typeof CircleBody>;

export const CircleParamSchema = z.strictObject({ circleId: CircleIdSchema });
export type CircleParam = z.infer<typeof CircleParamSchema>;

export const CircleMemberParamSchema = z.strictObject({
  circleId: CircleIdSchema,
  accountId: AccountIdSchema,
});
export type CircleMemberParam = z.infer<typeof CircleMemberParamSchema>;

export const IsCircleMemberSchema = z.object({ circleId: CircleIdSchema, accountId: AccountIdSchema });
