import type { ErrorBody } from '@onair/http';
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Errors the edge answers itself, before or instead of an upstream. They carry their HTTP
 * status because this is the HTTP edge and 502/504 have no transport-neutral kind; the body
 * has the same shape as libs/http's error filter writes.
 */
export abstract class EdgeHttpError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;

  body(): ErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

export class UpstreamUnavailableError extends EdgeHttpError {
  readonly status = 502;
  readonly code = 'EDGE.UPSTREAM_UNAVAILABLE';
  constructor(upstream: string, cause?: unknown) {
    super(`${upstream} is unavailable`, { cause });
  }
}

export class UpstreamTimeoutError extends EdgeHttpError {
  readonly status = 504;
  readonly code = 'EDGE.UPSTREAM_TIMEOUT';
  constructor(upstream: string, timeoutMs: number) {
    super(`${upstream} did not answer within ${timeoutMs} ms`);
  }
}

export class MalformedPathError extends EdgeHttpError {
  readonly status = 400;
  readonly code = 'REQUEST.MALFORMED_PATH';
}

export class NoRouteError extends EdgeHttpError {
  readonly status = 404;
  readonly code = 'REQUEST.NOT_FOUND';
  constructor(path: string) {
    super(`no route for ${path}`);
  }
}

export class UnsupportedUpgradeError extends EdgeHttpError {
  readonly status = 400;
  readonly code = 'REQUEST.UNSUPPORTED_UPGRADE';
  constructor() {
    super('only WebSocket upgrades are accepted');
  }
}

/** Any failure to reach an upstream is a 502 unless it is already one of ours (a timeout). */
export function asUpstreamError(err: unknown, upstream: string): EdgeHttpError {
  return err instanceof EdgeHttpError ? err : new UpstreamUnavailableError(upstream, err);
}

export function writeError(res: ServerResponse, err: EdgeHttpError): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(err.body());
  res.writeHead(err.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** The same answer on a raw socket, for an upgrade request that will not be upgraded. */
export function writeRawError(socket: Duplex, err: EdgeHttpError, extraHeaders: Record<string, string> = {}): void {
  if (socket.destroyed) return;
  const body = JSON.stringify(err.body());
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
    ...extraHeaders,
  };
  const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
  socket.end(`HTTP/1.1 ${err.status} ${STATUS_CODES[err.status]}\r\n${head.join('')}\r\n${body}`);
}
