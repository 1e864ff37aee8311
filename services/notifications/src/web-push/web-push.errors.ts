import { DomainError } from '@onair/errors';

export class PushEndpointRefusedError extends DomainError {
  readonly code = 'NOTIFICATIONS.PUSH_ENDPOINT_REFUSED';
  readonly kind = 'invalid' as const;
  constructor(host: string) {
    super('the subscription endpoint is not an https URL of a known push service', { host });
  }
}

export class TooManySubscriptionsError extends DomainError {
  readonly code = 'NOTIFICATIONS.TOO_MANY_SUBSCRIPTIONS';
  readonly kind = 'conflict' as const;
  constructor(limit: number) {
    super(`at most ${limit} push subscriptions per account: remove one first`, { limit });
  }
}

export class SubscriptionNotFoundError extends DomainError {
  readonly code = 'NOTIFICATIONS.SUBSCRIPTION_NOT_FOUND';
  readonly kind = 'not_found' as const;
  constructor() {
    super('no such push subscription of yours');
  }
}
