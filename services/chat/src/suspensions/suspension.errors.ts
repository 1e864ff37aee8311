import { DomainError } from '@onair/errors';

/** OnAir's operators suspended the account: it neither joins a chat nor writes or taps hearts meanwhile. */
export class AccountSuspendedChatError extends DomainError {
  readonly code = 'CHAT.ACCOUNT_SUSPENDED';
  readonly kind = 'forbidden' as const;
  constructor(until: number) {
    super("this account is suspended by OnAir's operators", { until: Number.isFinite(until) ? new Date(until).toISOString() : null });
  }
}
