/**
 * Thrown by a Kafka handler on purpose. A non-retriable error (bad data, broken invariant) goes
 * straight to the dead-letter topic with its code; a retriable one (a dependency is down) is
 * retried a bounded number of times first. Any other error counts as retriable.
 */
export class EventHandlingError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retriable: boolean,
  ) {
    super(message);
    this.name = 'EventHandlingError';
  }
}

export class NonRetriableEventError extends EventHandlingError {
  constructor(code: string, message: string) {
    super(code, message, false);
  }
}

export class RetriableEventError extends EventHandlingError {
  constructor(code: string, message: string) {
    super(code, message, true);
  }
}

export const isRetriable = (err: unknown) => !(err instanceof EventHandlingError) || err.retriable;
export const errorCode = (err: unknown) => (err instanceof EventHandlingError ? err.code : 'KAFKA.HANDLER_FAILED');
