import { ZodBodyPipe } from '@onair/http';
import type { z } from 'zod';

/** A message as @grpc/proto-loader hands it over (camelCase fields, defaults filled in). */
export type Plain<M> = Omit<M, '$typeName' | '$unknown'>;

/**
 * Validates a request message; a bad field is INVALID_ARGUMENT with REQUEST.VALIDATION_FAILED,
 * exactly as a bad HTTP body is a 400 with that code.
 */
export function parseRequest<S extends z.ZodType>(schema: S, request: unknown): z.infer<S> {
  return new ZodBodyPipe(schema).transform(request);
}
