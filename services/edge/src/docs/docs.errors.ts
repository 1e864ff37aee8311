import { DomainError } from '@onair/errors';

export class UnknownServiceError extends DomainError {
  readonly code = 'EDGE.UNKNOWN_SERVICE';
  readonly kind = 'not_found' as const;
  constructor(service: string) {
    super(`no service named "${service}"`, { service });
  }
}
