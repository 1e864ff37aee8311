import { ApiParam } from '@nestjs/swagger';
import { z } from 'zod';

export type Brand<T, B extends string> = T & { readonly __brand: B };

/** An identity account id (uuid, lower-case). social-graph never sees handles. */
export type AccountId = Brand<string, 'AccountId'>;

export const AccountIdSchema = z.uuid().transform((id) => id.toLowerCase() as AccountId);

/** `:accountId` of a route. */
export const AccountParamSchema = z.strictObject({ accountId: AccountIdSchema });
export type AccountParam = z.infer<typeof AccountParamSchema>;

/** OpenAPI for an account id in the path. */
export const ApiAccountIdParam = (name = 'accountId') =>
  ApiParam({ name, format: 'uuid', description: 'identity account id' });
