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

/** JSON schema of a zod schema, for `@ApiBody({ schema })` in the OpenAPI document. */
export function openApiSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...json } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return json;
}
