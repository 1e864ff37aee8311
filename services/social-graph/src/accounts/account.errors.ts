import { DomainError } from '@onair/errors';

export class AccountDeletedError extends DomainError {
  readonly code = 'SOCIAL_GRAPH.ACCOUNT_DELETED';
  readonly kind = 'gone' as const;
  constructor(accountId: string) {
    super(`account ${accountId} was deleted`, { accountId });
  }
}
