import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { DomainError, type ErrorKind } from '@onair/errors';
import type { Response } from 'express';

const statusOf: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  rate_limited: 429,
  unavailable: 503,
};

/** Errors raised by Express' body parser before Nest sees the request. */
const bodyParserCodes: Record<string, { status: number; code: string }> = {
  'entity.parse.failed': { status: 400, code: 'REQUEST.MALFORMED_JSON' },
  'entity.too.large': { status: 413, code: 'REQUEST.BODY_TOO_LARGE' },
  'encoding.unsupported': { status: 415, code: 'REQUEST.UNSUPPORTED_ENCODING' },
  'charset.unsupported': { status: 415, code: 'REQUEST.UNSUPPORTED_CHARSET' },
  'request.aborted': { status: 400, code: 'REQUEST.ABORTED' },
};

/** Nest's own exceptions (unknown route, body-parser failures it wraps). */
const httpExceptionCodes: Record<number, string> = {
  400: 'REQUEST.INVALID',
  404: 'REQUEST.NOT_FOUND',
  405: 'REQUEST.METHOD_NOT_ALLOWED',
  413: 'REQUEST.BODY_TOO_LARGE',
  415: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
};

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/**
 * The one place where errors become HTTP: domain errors by kind, body-parser failures by type,
 * Nest's own HTTP exceptions by status; anything else is a 500 that is logged, never leaked.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('HttpErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { status, body } = this.describe(exception);
    if (status >= 500) this.log.error(exception instanceof Error ? exception : String(exception));
    // 429 and 503 say when to come back (RFC 9110 §10.2.3).
    if (exception instanceof DomainError && (exception.kind === 'rate_limited' || exception.kind === 'unavailable') && exception.details?.retryAfterSeconds) {
      res.setHeader('Retry-After', String(exception.details.retryAfterSeconds));
    }
    res.status(status).json(body);
  }

  private describe(exception: unknown): { status: number; body: ErrorBody } {
    if (exception instanceof DomainError) {
      return {
        status: statusOf[exception.kind],
        body: { error: { code: exception.code, message: exception.message, details: exception.details } },
      };
    }
    // Nest's Express adapter wraps body-parser errors in an HttpException; the type is on the cause.
    const raw = exception as { type?: string; cause?: { type?: string } } | undefined;
    const type = raw?.type ?? raw?.cause?.type;
    if (type && bodyParserCodes[type]) {
      const { status, code } = bodyParserCodes[type];
      return { status, body: { error: { code, message: (exception as Error).message } } };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = httpExceptionCodes[status] ?? `HTTP.${status}`;
      return { status, body: { error: { code, message: exception.message } } };
    }
    return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error' } } };
  }
}
