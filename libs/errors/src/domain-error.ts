/**
 * What kind of failure an error is, independent of any transport. Each edge (HTTP filter,
 * gRPC, Kafka) maps kinds to its own statuses; features never name an HTTP status.
 */
export type ErrorKind =
  | 'invalid' // the request is malformed or breaks a rule
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'gone'
  | 'rate_limited'
  | 'unavailable';

/** Base of every feature error: a stable `code` such as `IDENTITY.HANDLE_TAKEN`. */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly kind: ErrorKind;
  /** Extra, client-safe facts (e.g. the offending field). */
  readonly details?: Record<string, unknown>;

  constructor(message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

export interface FieldIssue {
  /** Dotted path of the field, e.g. `handle` or `profile.bio`. */
  field: string;
  issue: string;
}

/** Input that fails validation; names every offending field. */
export class ValidationFailedError extends DomainError {
  readonly code = 'REQUEST.VALIDATION_FAILED';
  readonly kind = 'invalid' as const;
  constructor(readonly fields: FieldIssue[]) {
    super(`invalid ${fields.map((f) => f.field || '(body)').join(', ')}`, { fields });
  }
}
