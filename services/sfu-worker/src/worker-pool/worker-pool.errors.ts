import { DomainError } from '@onair/errors';

export class NoWorkerError extends DomainError {
  readonly code = 'SFU.NO_WORKER';
  readonly kind = 'unavailable' as const;
  constructor() {
    super('no mediasoup worker is running on this node');
  }
}
