import { Metadata, status, type StatusObject } from '@grpc/grpc-js';
import { Logger } from '@nestjs/common';
import { DomainError, type ErrorKind } from '@onair/errors';
import { ServiceNotAllowedError } from '@onair/service-tls';
import { firstValueFrom } from 'rxjs';
import { z } from 'zod';
import { ERROR_CODE_TRAILER, GrpcErrorFilter } from './grpc-error.filter.js';
import { parseRequest } from './grpc-request.js';

class KindError extends DomainError {
  readonly code = 'TEST.SOMETHING';
  constructor(readonly kind: ErrorKind) {
    super(`a ${kind} error`);
  }
}

/** What the filter hands gRPC for an exception a handler threw. */
async function statusFor(exception: unknown): Promise<Partial<StatusObject>> {
  return firstValueFrom(new GrpcErrorFilter().catch(exception)).then(
    () => {
      throw new Error('the filter did not fail the call');
    },
    (s: Partial<StatusObject>) => s,
  );
}

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('nothing was thrown');
}

const trailer = (s: Partial<StatusObject>) => (s.metadata as Metadata).get(ERROR_CODE_TRAILER);

describe('GrpcErrorFilter', () => {
  it.each<[ErrorKind, status]>([
    ['invalid', status.INVALID_ARGUMENT],
    ['unauthenticated', status.UNAUTHENTICATED],
    ['forbidden', status.PERMISSION_DENIED],
    ['not_found', status.NOT_FOUND],
    ['conflict', status.FAILED_PRECONDITION],
    ['gone', status.NOT_FOUND],
    ['rate_limited', status.RESOURCE_EXHAUSTED],
    ['unavailable', status.UNAVAILABLE],
  ])('maps a domain error of kind %s to status %i, with its message and its code in the trailer', async (kind, code) => {
    const s = await statusFor(new KindError(kind));
    expect(s.code).toBe(code);
    expect(s.details).toBe(`a ${kind} error`);
    expect(trailer(s)).toEqual(['TEST.SOMETHING']);
  });

  it('answers a request that fails validation with INVALID_ARGUMENT and REQUEST.VALIDATION_FAILED', async () => {
    const s = await statusFor(thrownBy(() => parseRequest(z.object({ pageSize: z.number().int() }), { pageSize: 'ten' })));
    expect(s.code).toBe(status.INVALID_ARGUMENT);
    expect(trailer(s)).toEqual(['REQUEST.VALIDATION_FAILED']);
  });

  it('answers a caller that is not allowed with PERMISSION_DENIED and AUTH.SERVICE_NOT_ALLOWED', async () => {
    const s = await statusFor(new ServiceNotAllowedError('identity'));
    expect(s.code).toBe(status.PERMISSION_DENIED);
    expect(trailer(s)).toEqual(['AUTH.SERVICE_NOT_ALLOWED']);
  });

  it('answers anything else with INTERNAL, logs it and does not leak its message', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const bug = new Error('relation "secret_table" does not exist');
      const s = await statusFor(bug);
      expect(s.code).toBe(status.INTERNAL);
      expect(s.details).toBe('internal error');
      expect(trailer(s)).toEqual(['INTERNAL']);
      expect(logged).toHaveBeenCalledWith(bug);

      expect((await statusFor('a string')).code).toBe(status.INTERNAL);
    } finally {
      logged.mockRestore();
    }
  });
});
