import { DomainError } from '@onair/errors';

export class CannotReportSelfError extends DomainError {
  readonly code = 'OPS.CANNOT_REPORT_SELF';
  readonly kind = 'invalid' as const;
  constructor() {
    super('you cannot report your own account');
  }
}

/** Open reports are capped per reporter, so nobody floods the queue; dismissed ones free room. */
export class TooManyOpenReportsError extends DomainError {
  readonly code = 'OPS.TOO_MANY_OPEN_REPORTS';
  readonly kind = 'rate_limited' as const;
  constructor(limit: number) {
    super(`at most ${limit} open reports per account; wait until operators have looked at yours`, { limit });
  }
}

export class ReportTargetNotFoundError extends DomainError {
  readonly code = 'OPS.REPORT_TARGET_NOT_FOUND';
  readonly kind = 'not_found' as const;
  constructor() {
    super('nobody has reported this target');
  }
}

export class NoOpenReportsError extends DomainError {
  readonly code = 'OPS.NO_OPEN_REPORTS';
  readonly kind = 'conflict' as const;
  constructor() {
    super('this target has no open report to dismiss');
  }
}
