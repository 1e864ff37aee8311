import { ROLES } from '@onair/auth';
import { userText } from '@onair/http';
import { z } from 'zod';

// Path parameters. Their types are named apart from the schemas: Nest's OpenAPI scanner reads a
// parameter's declared type at run time and would take a same-named schema for a model class.
export const AccountParamSchema = z.strictObject({ accountId: z.uuid().transform((id) => id.toLowerCase()) });
export type AccountPath = z.infer<typeof AccountParamSchema>;

export const AccountRoleParamSchema = z.strictObject({ accountId: z.uuid().transform((id) => id.toLowerCase()), role: z.enum(ROLES) });
export type AccountRolePath = z.infer<typeof AccountRoleParamSchema>;

/** Every grant and revocation says why: the reason goes into the audit trail (the role events). */
export const RoleChangeBody = z.strictObject({ reason: userText({ max: 500 }) });
export type RoleChangeBody = z.infer<typeof RoleChangeBody>;

export const RolesView = {
  type: 'object',
  required: ['roles'],
  properties: { roles: { type: 'array', items: { type: 'string', enum: [...ROLES] } } },
};
