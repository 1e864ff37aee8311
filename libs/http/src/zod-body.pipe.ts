import type { PipeTransform } from '@nestjs/common';
import { ValidationFailedError, type FieldIssue } from '@onair/errors';
import { z } from 'zod';

/**
 * Validates a request body against a zod schema (declare objects with `z.strictObject` so
 * unknown fields are refused) and names every offending field in the error.
 */
export class ZodBodyPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const refused = findRefused(value);
    if (refused) throw new ValidationFailedError([refused]);
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

/** Deeper than any OnAir input nests; JSON nested deeper is refused before any recursive walk sees it. */
export const MAX_INPUT_DEPTH = 32;

/**
 * The first thing refused in every body and parameter, before the schema: a string holding
 * U+0000 (no OnAir input needs one, and PostgreSQL text cannot store it), or nesting deeper than
 * MAX_INPUT_DEPTH. Iterative, so no input can exhaust the stack: a 64 kB body of `[[[[…` is
 * 30,000 levels deep, and a recursive walk of it throws RangeError (a 500).
 */
function findRefused(value: unknown): FieldIssue | undefined {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: '', depth: 0 }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    if (typeof next.value === 'string') {
      if (next.value.includes('\u0000')) return { field: next.path, issue: 'contains a NUL character' };
      continue;
    }
    if (next.value === null || typeof next.value !== 'object') continue;
    if (next.depth >= MAX_INPUT_DEPTH) return { field: next.path, issue: `nested deeper than ${MAX_INPUT_DEPTH} levels` };
    // Pushed last to first, so fields are checked in order and the first offending one is named.
    const entries = Object.entries(next.value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, inner] = entries[i];
      stack.push({ value: inner, path: next.path ? `${next.path}.${key}` : key, depth: next.depth + 1 });
    }
  }
  return undefined;
}

/** JSON schema of a zod schema, for `@ApiBody({ schema })` in the OpenAPI document. */
export function openApiSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...json } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return json;
}
