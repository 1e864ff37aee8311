import { DomainError } from '@onair/errors';

/** A suspension that ended before it began would suspend nothing: say so instead. */
export class SuspensionUntilPastError extends DomainError {
  readonly code = 'OPS.SUSPENSION_UNTIL_PAST';
  readonly kind = 'invalid' as const;
  constructor(until: Date) {
    super('`until` must be in the future; leave it out to suspend for good', { until: until.toISOString() });
  }
}

/** Longer than this is "for good" in effect: the operator should say so (no `until`). */
export class SuspensionTooLongError extends DomainError {
  readonly code = 'OPS.SUSPENSION_TOO_LONG';
  readonly kind = 'invalid' as const;
  constructor(maxYears: number) {
    super(`\`until\` may be at most ${maxYears} years ahead; leave it out to suspend for good`, { maxYears });
  }
}

/** An operator cannot lock themselves out by a slip; another operator can. */
export class CannotSuspendSelfError extends DomainError {
  readonly code = 'OPS.CANNOT_SUSPEND_SELF';
  readonly kind = 'invalid' as const;
  constructor() {
    super('you cannot suspend your own account');
  }
}

/**
 * Staff can lock each other out of the platform; only an admin may, so one operator's slip or
 * grudge cannot take away a colleague's (or an admin's) access. Lifting a staff account's
 * suspension is an admin's call too: only an admin placed it.
 */
export class StaffSuspensionNeedsAdminError extends DomainError {
  readonly code = 'OPS.STAFF_SUSPENSION_NEEDS_ADMIN';
  readonly kind = 'forbidden' as const;
  constructor(roles: readonly string[], action: 'suspend' | 'lift') {
    super(`only an admin may ${action === 'suspend' ? 'suspend' : "lift the suspension of"} an account that holds a staff role`, { roles });
  }
}

/** No current suspension: none ever, lifted, or its `until` has passed. 409 to a lift, 404 to a read. */
export class NotSuspendedError extends DomainError {
  readonly code = 'OPS.NOT_SUSPENDED';
  constructor(readonly kind: 'conflict' | 'not_found') {
    super('this account is not suspended now');
  }
}
