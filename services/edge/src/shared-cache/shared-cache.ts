import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Route } from '../config.js';
import { clientResponseHeaders } from '../proxy/forwarding-headers.js';
import { UpstreamUnavailableError, writeError } from '../proxy/proxy.errors.js';
import { upstreamName } from '../proxy/upstream-request.js';
import { forwardRequest, type WebProxyOptions } from '../proxy/web-proxy.js';
import { sharedLifetimeMs } from './cache-control.js';
import { ResponseStore, type StoredResponse } from './response-store.js';
import { VerifiedTokens } from './verified-tokens.js';

export interface SharedCacheLimits {
  /** Body bytes kept in all; the least recently used answers go first. */
  maxBytes: number;
  /** A larger answer is passed through, never kept (its Content-Length must say so up front). */
  maxEntryBytes: number;
  /** No answer is kept longer than this, whatever its max-age (segments say a day). */
  maxTtlMs: number;
  /** identity's JWKS: answers filled with credentials are served only to valid access tokens. */
  jwksUrl?: URL;
}

/** How long a target that answered 200 without being shareable is not waited on. */
const UNSHAREABLE_MEMORY_MS = 10_000;

/**
 * The edge as a shared cache in front of its upstreams, for what a CDN would keep: GET answers
 * the upstream marked `public` (live HLS playlists and segments of public broadcasts, replays,
 * avatars), in memory, for their max-age. A crowd polling one live playlist reaches the
 * upstream once per max-age, and asking at the same moment for a segment nobody has fetched
 * yet, once: concurrent misses wait for the first one's answer (request collapsing) instead of
 * each going upstream. Everything else streams through as before.
 */
export class SharedCache {
  private readonly store: ResponseStore;
  private readonly tokens?: VerifiedTokens;
  private readonly fills = new Map<string, Promise<StoredResponse | undefined>>();
  private readonly unshareable = new Map<string, number>();

  constructor(private readonly limits: SharedCacheLimits) {
    this.store = new ResponseStore(limits.maxBytes);
    this.tokens = limits.jwksUrl ? new VerifiedTokens(limits.jwksUrl) : undefined;
  }

  /** Only plain GETs: a range, or a body, asks for something else than the stored answer. */
  static accepts(req: IncomingMessage): boolean {
    return req.method === 'GET' && !req.headers.range && !req.headers['content-length'] && !req.headers['transfer-encoding'];
  }

  handle(req: IncomingMessage, res: ServerResponse, route: Route, options: WebProxyOptions): void {
    this.answer(req, res, route, options).catch((err: unknown) => writeError(res, new UpstreamUnavailableError(upstreamName(route), err)));
  }

  private async answer(req: IncomingMessage, res: ServerResponse, route: Route, options: WebProxyOptions): Promise<void> {
    const key = req.url ?? '/';
    const now = Date.now();
    const stored = this.store.fresh(key, now) ?? (await this.fills.get(key));
    if (stored) {
      if (await this.mayServe(stored, req)) return writeStored(res, stored, 'hit');
      return forwardRequest(req, res, route, options);
    }
    if ((this.unshareable.get(key) ?? 0) > now) return forwardRequest(req, res, route, options);
    this.unshareable.delete(key);
    let settle!: (filled: StoredResponse | undefined) => void;
    const fill = new Promise<StoredResponse | undefined>((resolve) => (settle = resolve));
    this.fills.set(key, fill);
    void fill.finally(() => {
      if (this.fills.get(key) === fill) this.fills.delete(key);
    });
    // A client gone, or an upstream failure written to it, ends the fill with nothing to share.
    res.once('close', () => settle(undefined));
    forwardRequest(req, res, route, {
      ...options,
      takeOver: (upstreamRes) => this.keep(key, req, res, route, upstreamRes, settle),
    });
  }

  /** Takes over an answer it may share: read whole, stored, then written to its client. */
  private keep(
    key: string,
    req: IncomingMessage,
    res: ServerResponse,
    route: Route,
    upstreamRes: IncomingMessage,
    settle: (filled: StoredResponse | undefined) => void,
  ): boolean {
    const ttlMs = sharedLifetimeMs(upstreamRes, this.limits.maxTtlMs);
    const length = Number(upstreamRes.headers['content-length']);
    if (!ttlMs || !Number.isSafeInteger(length) || length > this.limits.maxEntryBytes) {
      if (upstreamRes.statusCode === 200) this.rememberUnshareable(key);
      settle(undefined);
      return false;
    }
    const body = Buffer.allocUnsafe(length);
    let received = 0;
    upstreamRes.on('data', (chunk: Buffer) => {
      // More than announced is a broken upstream: nothing of it is kept or relayed.
      if (received + chunk.length > length) {
        upstreamRes.destroy();
        return;
      }
      chunk.copy(body, received);
      received += chunk.length;
    });
    upstreamRes.on('close', () => {
      if (!upstreamRes.complete || received !== length) {
        settle(undefined);
        return writeError(res, new UpstreamUnavailableError(upstreamName(route)));
      }
      const now = Date.now();
      const stored: StoredResponse = { headers: clientResponseHeaders(upstreamRes), body, storedAt: now, expiresAt: now + ttlMs, needsToken: Boolean(req.headers.authorization) };
      this.store.put(key, stored);
      settle(stored);
      writeStored(res, stored, 'miss');
    });
    return true;
  }

  /** An answer filled with credentials needs valid ones; invalid ones go upstream to be refused there. */
  private async mayServe(stored: StoredResponse, req: IncomingMessage): Promise<boolean> {
    if (!stored.needsToken) return true;
    return this.tokens ? this.tokens.isValid(req.headers.authorization) : false;
  }

  private rememberUnshareable(key: string): void {
    const now = Date.now();
    this.unshareable.set(key, now + UNSHAREABLE_MEMORY_MS);
    for (const [oldest, until] of this.unshareable) {
      if (this.unshareable.size <= 10_000 && until > now) break;
      this.unshareable.delete(oldest);
    }
  }
}

function writeStored(res: ServerResponse, stored: StoredResponse, outcome: 'hit' | 'miss'): void {
  if (res.headersSent || res.destroyed) return;
  const age = Math.max(0, Math.floor((Date.now() - stored.storedAt) / 1000));
  res.writeHead(200, { ...stored.headers, age: String(age), 'x-edge-cache': outcome });
  res.end(stored.body);
}
