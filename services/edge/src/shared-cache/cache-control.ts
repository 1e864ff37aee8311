import type { IncomingMessage } from 'node:http';

/** The directives of a Cache-Control header that decide whether a shared cache may keep an answer. */
export interface CacheDirectives {
  public: boolean;
  private: boolean;
  noStore: boolean;
  noCache: boolean;
  maxAge?: number;
  sMaxAge?: number;
}

/** `public, max-age=1` → directives. Unknown directives are ignored; a malformed age is none. */
export function parseCacheControl(header: string | string[] | undefined): CacheDirectives {
  const directives: CacheDirectives = { public: false, private: false, noStore: false, noCache: false };
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  for (const part of text.split(',')) {
    const [rawName, rawValue] = part.split('=', 2);
    const name = rawName.trim().toLowerCase();
    const value = rawValue?.trim().replace(/^"(.*)"$/, '$1');
    const seconds = value !== undefined && /^\d{1,9}$/.test(value) ? Number(value) : undefined;
    if (name === 'public') directives.public = true;
    else if (name === 'private') directives.private = true;
    else if (name === 'no-store') directives.noStore = true;
    else if (name === 'no-cache') directives.noCache = true;
    else if (name === 'max-age' && seconds !== undefined) directives.maxAge = seconds;
    else if (name === 's-maxage' && seconds !== undefined) directives.sMaxAge = seconds;
  }
  return directives;
}

/**
 * How long (ms) a shared cache may serve this answer to *any* request, RFC 9111 §3 and §3.5:
 * only a 200 the upstream marked `public` (or gave an `s-maxage`), so an answer to a request
 * with credentials is shared only when its origin said so; never one that sets a cookie, varies
 * by request headers, or that `private`, `no-store` or `no-cache` forbid. 0: do not store.
 */
export function sharedLifetimeMs(res: Pick<IncomingMessage, 'statusCode' | 'headers'>, maxTtlMs: number): number {
  if (res.statusCode !== 200 || res.headers['set-cookie'] || res.headers.vary) return 0;
  const d = parseCacheControl(res.headers['cache-control']);
  if (d.private || d.noStore || d.noCache || !(d.public || d.sMaxAge !== undefined)) return 0;
  const seconds = d.sMaxAge ?? d.maxAge;
  return seconds === undefined ? 0 : Math.min(seconds * 1000, maxTtlMs);
}
