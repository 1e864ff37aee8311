import { RpcException } from '@nestjs/microservices';

/** What survives Nest's RPC exception layer: `RpcException.getError()` is passed on as is. */
interface EventErrorShape {
  code: string;
  message: string;
  retriable: boolean;
}

/**
 * Thrown by a Kafka handler on purpose. A non-retriable error (bad data, broken invariant) goes
 * straight to the dead-letter topic with its code; a retriable one (a dependency is down) is
 * retried a bounded number of times first. Any other error counts as retriable.
 *
 * It is an RpcException so that its code and retriability reach KafkaEventServer whatever
 * exception filters the microservice has: Nest's default filter forwards `getError()` of an
 * RpcException and replaces any other error with a generic one.
 */
export class EventHandlingError extends RpcException {
  constructor(
    readonly code: string,
    message: string,
    readonly retriable: boolean,
  ) {
    super({ code, message, retriable } satisfies EventErrorShape);
    this.message = message;
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

const shape = (err: unknown): Partial<EventErrorShape> => (err !== null && typeof err === 'object' ? (err as Partial<EventErrorShape>) : {});

export const isRetriable = (err: unknown) => shape(err).retriable !== false;
export const errorCode = (err: unknown) => (typeof shape(err).code === 'string' ? shape(err).code! : 'KAFKA.HANDLER_FAILED');
export const errorMessage = (err: unknown) => String(shape(err).message ?? err);
