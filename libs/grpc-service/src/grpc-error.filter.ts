import { Metadata, status as GrpcStatus, type StatusObject } from '@grpc/grpc-js';
import { Catch, Logger, type RpcExceptionFilter } from '@nestjs/common';
import { DomainError, type ErrorKind } from '@onair/errors';
import { throwError, type Observable } from 'rxjs';

/** Trailer holding the stable error code, e.g. REQUEST.VALIDATION_FAILED or SOCIAL_GRAPH.CIRCLE_NOT_FOUND. */
export const ERROR_CODE_TRAILER = 'onair-error-code';

const statusOf: Record<ErrorKind, GrpcStatus> = {
  invalid: GrpcStatus.INVALID_ARGUMENT,
  unauthenticated: GrpcStatus.UNAUTHENTICATED,
  forbidden: GrpcStatus.PERMISSION_DENIED,
  not_found: GrpcStatus.NOT_FOUND,
  conflict: GrpcStatus.FAILED_PRECONDITION,
  gone: GrpcStatus.NOT_FOUND,
  rate_limited: GrpcStatus.RESOURCE_EXHAUSTED,
  unavailable: GrpcStatus.UNAVAILABLE,
};

/**
 * The one place where errors become gRPC statuses: domain errors by kind, with their code in
 * a trailer; anything else is INTERNAL, logged and never leaked.
 */
@Catch()
export class GrpcErrorFilter implements RpcExceptionFilter {
  private readonly log = new Logger('GrpcErrorFilter');

  catch(exception: unknown): Observable<never> {
    return throwError(() => this.toStatus(exception));
  }

  private toStatus(exception: unknown): Partial<StatusObject> {
    const metadata = new Metadata();
    if (exception instanceof DomainError) {
      metadata.set(ERROR_CODE_TRAILER, exception.code);
      return { code: statusOf[exception.kind], details: exception.message, metadata };
    }
    this.log.error(exception instanceof Error ? exception : String(exception));
    metadata.set(ERROR_CODE_TRAILER, 'INTERNAL');
    return { code: GrpcStatus.INTERNAL, details: 'internal error', metadata };
  }
}
