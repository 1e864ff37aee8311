import type { PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from '@onair/errors';
import { z } from 'zod';

/**
 * Validates a request body against a zod schema (declare objects with `z.strictObject` so
 * unknown fields are refused) and names every offending field in the error.
 */
export class ZodBodyPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const nul = findNul(value, '');
    if (nul !== undefined) throw new ValidationFailedError([{ field: nul, issue: 'contains a NUL character' }]);
    const result = this.schema.safeParse(value ?? undefined);
    if (result.success) return result.data;
    const fields = result.error.issues.flatMap((issue) => {
      const base = issue.path.map(String).join('.');
      // An unknown key is reported on the object; name the key itself.
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((k) => ({ field: base ? `${base}.${k}` : k, issue: 'unknown field' }));
      }
      return [{ field: base, issue: issue.message }];
    });
    throw new ValidationFailedError(fields);
  }
}

/**
 * Path of the first string holding U+0000. No OnAir input needs one, and PostgreSQL text
 * cannot store it, so it is refused here for every body and parameter.
 */
function findNul(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const found = findNul(inner, path ? `${path}.${key}` : key);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** JSON schema of a zod schema, for `@ApiBody({ schema })` in the OpenAPI document. */
export function openApiSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...json } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return json;
}
