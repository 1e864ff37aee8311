import { z } from 'zod';

/** An opaque page cursor: the position of a page's last item, as base64url JSON. */
export function encodeCursor(position: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/**
 * A query parameter holding a cursor `encodeCursor` made, decoded and checked against `shape`;
 * anything else is a validation error on the parameter (400 REQUEST.VALIDATION_FAILED).
 */
export function cursorParam<S extends z.ZodType>(shape: S) {
  return z
    .string()
    .max(500)
    .regex(/^[A-Za-z0-9_-]+$/, 'a cursor from a previous page')
    .transform((raw, ctx) => {
      try {
        return JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'a cursor from a previous page' });
        return z.NEVER;
      }
    })
    .pipe(shape);
}
