import { DomainError } from '@onair/errors';

export class InvalidCursorError extends DomainError {
  readonly code = 'SOCIAL_GRAPH.INVALID_CURSOR';
  readonly kind = 'invalid' as const;
  constructor() {
    super('the cursor is not one this list returned', { field: 'cursor' });
  }
}
