import { z } from 'zod';
import { type LogLevel, observabilityEnv, parseEnv } from '@onair/config';
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { TrustedProxies } from './proxy/client-address.js';

/**
 * The web client's (services/web) routes and assets. `/` and any other path outside the API's
 * namespaces and the edge's endpoints are the client's too; these are named so that no route
 * can take them (a catch-all `/` route skips them).
 */
export const WEB_CLIENT_PATHS = ['/broadcast', '/watch', '/signin', '/signup', '/assets'] as const;
/** The edge's own endpoints, which answer JSON (or the Swagger UI), never the web client. */
export const EDGE_ENDPOINT_PATHS = ['/healthz', '/readyz', '/metrics', '/openapi.json', '/openapi.yaml', '/openapi', '/docs'] as const;
/** Paths the edge answers itself; no route may shadow them (a catch-all `/` route skips them). */
export const EDGE_OWN_PATHS = [...EDGE_ENDPOINT_PATHS, ...WEB_CLIENT_PATHS] as const;

/** services/web/dist beside this service, found from src/ (tests) and dist/src/ (built) alike. */
function localWebClientBuild(): string {
  const up = resolve(__dirname, '..');
  const edgeRoot = existsSync(join(up, 'package.json')) ? up : resolve(up, '..');
  return resolve(edgeRoot, '..', 'web', 'dist');
}

const LOCAL_SERVICES =
  'identity=http://127.0.0.1:7101,social-graph=http://127.0.0.1:7102,stream-sessions=http://127.0.0.1:7103,sfu-worker=http://127.0.0.1:7104,chat=http://127.0.0.1:7105,discovery=http://127.0.0.1:7106,notifications=http://127.0.0.1:7107,ops=http://127.0.0.1:7108';
const LOCAL_ROUTES = [
  '/v1/accounts=identity',
  '/v1/sessions=identity',
  '/v1/users=identity',
  '/.well-known/jwks.json=identity',
  '/v1/graph=social-graph',
  '/v1/broadcasts=stream-sessions',
  '/v1/sfu=sfu-worker',
  '/v1/chat=chat',
  '/v1/discovery=discovery',
  '/v1/notifications=notifications',
  '/v1/reports=ops',
  '/v1/ops=ops',
].join(',');

const ServiceName = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'a lower-case name such as social-graph');

/** An upstream origin: http(s), host and port, nothing else (the request path is kept as is). */
const Origin = z
  .url({ protocol: /^https?$/ })
  .transform((raw) => new URL(raw))
  .refine((u) => (u.pathname === '/' || u.pathname === '') && !u.search && !u.hash && !u.username && !u.password, {
    message: 'an origin only, such as http://127.0.0.1:7101 (no path, query or credentials)',
  });

// Segments of unreserved characters; no empty, "." or ".." segment and no trailing slash.
const Prefix = z
  .string()
  .regex(/^(\/|(\/[A-Za-z0-9_~.-]+)+)$/, 'a path such as /v1/accounts')
  .refine((p) => !p.split('/').some((s) => s === '.' || s === '..'), { message: 'no "." or ".." segments' })
  .refine((p) => p === '/' || !EDGE_OWN_PATHS.some((own) => p === own || p.startsWith(`${own}/`) || own.startsWith(`${p}/`)), {
    message: `must not overlap the edge's own paths (${EDGE_OWN_PATHS.join(', ')})`,
  });

/** `{"a":"b"}` or `a=b,c=d` into entries; the value is split at the first `=` only. */
function pairs(raw: string, ctx: z.RefinementCtx): Array<[string, string]> {
  const text = raw.trim();
  if (text.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        return Object.entries(parsed).map(([k, v]) => [k, String(v)]);
      }
    } catch {
      // reported below
    }
    ctx.addIssue({ code: 'custom', message: 'not a JSON object of strings' });
    return [];
  }
  return text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const eq = item.indexOf('=');
      if (eq <= 0) ctx.addIssue({ code: 'custom', message: `"${item}" is not key=value` });
      return [item.slice(0, eq).trim(), item.slice(eq + 1).trim()];
    });
}

const PairList = z.string().transform(pairs);

/** `10.0.0.0/8,2001:db8::/32,192.0.2.7`: addresses or CIDR ranges, IPv4 or IPv6. */
const CidrList = z
  .string()
  .transform((raw) => raw.split(',').map((r) => r.trim()).filter(Boolean))
  .superRefine((ranges, ctx) => {
    for (const range of ranges) {
      const [address, bits, ...rest] = range.split('/');
      const family = isIP(address);
      const max = family === 6 ? 128 : 32;
      const ok = family !== 0 && rest.length === 0 && (bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= max));
      if (!ok) ctx.addIssue({ code: 'custom', message: `"${range}" is not an address or CIDR range` });
    }
  });

/**
 * Sources beyond the edge's own host that the web client may connect to (its CSP connect-src):
 * SFU nodes whose signalling URL is their own rather than the edge's. `wss://*.sfu.example.org`,
 * `ws://10.0.0.7:7104`, `ws://127.0.0.1:*`; nothing that could end the directive.
 */
const ConnectSources = z
  .string()
  .transform((raw) => raw.split(',').map((r) => r.trim()).filter(Boolean))
  .superRefine((sources, ctx) => {
    for (const source of sources) {
      if (!/^(wss?|https?):\/\/(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:(\d{1,5}|\*))?$/.test(source)) {
        ctx.addIssue({ code: 'custom', message: `"${source}" is not a source such as wss://*.sfu.example.org or ws://10.0.0.7:7104` });
      }
    }
  });

const Host = z.union([z.ipv4(), z.ipv6(), z.literal('localhost')]);

const Env = z.object({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Where to listen: loopback on a laptop, 0.0.0.0 in a container. */
  HTTP_HOST: Host.default('127.0.0.1'),
  /**
   * Operators' endpoints (/metrics, /readyz with each upstream's health), on a port of their
   * own that no route and no public listener serves: Prometheus and probes reach it, clients
   * do not. Loopback on a laptop; the pod's address in Kubernetes (kept in by NetworkPolicy).
   */
  EDGE_INTERNAL_PORT: z.coerce.number().int().min(0).max(65535).default(8081),
  EDGE_INTERNAL_HOST: Host.default('127.0.0.1'),
  /**
   * Proxies in front of the edge whose X-Forwarded-For is believed (CIDR ranges). Empty: none;
   * the socket's peer is the client. Behind a load balancer, its ranges, or every client
   * shares the load balancer's address (and its rate-limit buckets).
   */
  EDGE_TRUSTED_PROXIES: CidrList.prefault(''),
  /** name=origin of each service whose OpenAPI document the edge serves. */
  EDGE_SERVICES: PairList.prefault(LOCAL_SERVICES),
  /** prefix=origin or prefix=service name; the longest matching prefix wins. */
  EDGE_ROUTES: PairList.prefault(LOCAL_ROUTES),
  /** An upstream that stays silent this long (before answering) gets a 504. */
  EDGE_UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(1).max(600_000).default(30_000),
  EDGE_OPENAPI_CACHE_MS: z.coerce.number().int().min(0).max(3_600_000).default(5_000),
  /** Origin written into served OpenAPI documents; by default the one the client used. */
  EDGE_PUBLIC_URL: Origin.optional(),
  /**
   * The web client's build (index.html and assets/), read once at boot. Unset: services/web/dist
   * of this checkout (served if built). Empty: no web client, only the API.
   */
  EDGE_WEB_ROOT: z.string().optional(),
  EDGE_CSP_CONNECT_SRC: ConnectSources.prefault(''),
  /**
   * The shared cache (src/shared-cache): memory for the GET answers upstreams mark `public` (live
   * HLS of public broadcasts, replays, avatars), kept as a CDN would. 0 turns it off.
   */
  EDGE_SHARED_CACHE_MB: z.coerce.number().int().min(0).max(65_536).default(64),
  /** Larger answers pass through uncached. */
  EDGE_SHARED_CACHE_MAX_ENTRY_MB: z.coerce.number().int().min(1).max(1024).default(8),
  /** The longest any answer is kept, whatever its max-age: a takedown's last segments leave by then. */
  EDGE_SHARED_CACHE_MAX_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(30),
  /**
   * identity's signing keys, to check the access token of a request answered from the cache.
   * Unset: /.well-known/jwks.json of the `identity` service in EDGE_SERVICES (none there:
   * answers filled with credentials are never served from the cache).
   */
  EDGE_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  ...observabilityEnv,
});

export interface Route {
  prefix: string;
  target: URL;
  /** The service name when the route named one. */
  service?: string;
}

export interface EdgeConfig {
  httpPort: number;
  httpHost: string;
  internalPort: number;
  internalHost: string;
  trustedProxies: TrustedProxies;
  services: Map<string, URL>;
  routes: Route[];
  upstreamTimeoutMs: number;
  openApiCacheMs: number;
  publicUrl?: URL;
  /** Where the web client's build is; `required` when named explicitly (a missing one stops the boot). */
  webClient?: { root: string; required: boolean };
  /** More connect-src sources for the web client's CSP (SFU nodes signalled directly). */
  cspConnectSources: string[];
  /** Undefined: no shared cache. */
  sharedCache?: { maxBytes: number; maxEntryBytes: number; maxTtlMs: number; jwksUrl?: URL };
  otlpEndpoint?: string;
  logLevel: LogLevel;
}

export const EDGE_CONFIG = Symbol('EdgeConfig');

function parseServices(entries: Array<[string, string]>, problems: string[]): Map<string, URL> {
  const services = new Map<string, URL>();
  for (const [name, url] of entries) {
    const n = ServiceName.safeParse(name);
    const u = Origin.safeParse(url);
    if (!n.success) problems.push(`EDGE_SERVICES: "${name}": ${n.error.issues[0].message}`);
    if (!u.success) problems.push(`EDGE_SERVICES: ${name}: ${u.error.issues[0].message}`);
    if (services.has(name)) problems.push(`EDGE_SERVICES: ${name} appears twice`);
    if (n.success && u.success) services.set(name, u.data);
  }
  return services;
}

function parseRoutes(entries: Array<[string, string]>, services: Map<string, URL>, problems: string[]): Route[] {
  const routes: Route[] = [];
  for (const [prefix, target] of entries) {
    const p = Prefix.safeParse(prefix);
    if (!p.success) problems.push(`EDGE_ROUTES: "${prefix}": ${p.error.issues[0].message}`);
    if (routes.some((r) => r.prefix === prefix)) problems.push(`EDGE_ROUTES: ${prefix} appears twice`);
    const named = services.get(target);
    const url = named ? undefined : Origin.safeParse(target);
    if (url && !url.success) problems.push(`EDGE_ROUTES: ${prefix}: "${target}" is neither a service in EDGE_SERVICES nor an origin`);
    const resolved = named ?? (url?.success ? url.data : undefined);
    if (p.success && resolved) routes.push({ prefix, target: resolved, service: named ? target : undefined });
  }
  return routes;
}

function webClientRoot(raw: string | undefined): EdgeConfig['webClient'] {
  if (raw === undefined) return { root: localWebClientBuild(), required: false };
  return raw ? { root: resolve(raw), required: true } : undefined;
}

const MB = 1024 * 1024;

function sharedCacheOf(e: z.infer<typeof Env>, services: Map<string, URL>): EdgeConfig['sharedCache'] {
  if (e.EDGE_SHARED_CACHE_MB === 0) return undefined;
  const identity = services.get('identity');
  const jwksUrl = e.EDGE_JWKS_URL ? new URL(e.EDGE_JWKS_URL) : identity ? new URL('/.well-known/jwks.json', identity) : undefined;
  return {
    maxBytes: e.EDGE_SHARED_CACHE_MB * MB,
    maxEntryBytes: Math.min(e.EDGE_SHARED_CACHE_MAX_ENTRY_MB, e.EDGE_SHARED_CACHE_MB) * MB,
    maxTtlMs: e.EDGE_SHARED_CACHE_MAX_TTL_SECONDS * 1000,
    jwksUrl,
  };
}

/** Reads and validates the environment once, at boot; a bad value stops the process. */
export function loadConfig(env: Record<string, string | undefined> = process.env): EdgeConfig {
  const e = parseEnv('edge', Env, env);
  const problems: string[] = [];
  const services = parseServices(e.EDGE_SERVICES, problems);
  const routes = parseRoutes(e.EDGE_ROUTES, services, problems);
  if (problems.length) throw new Error(`edge: invalid configuration: ${problems.join('; ')}`);
  return {
    httpPort: e.HTTP_PORT,
    httpHost: e.HTTP_HOST,
    internalPort: e.EDGE_INTERNAL_PORT,
    internalHost: e.EDGE_INTERNAL_HOST,
    trustedProxies: new TrustedProxies(e.EDGE_TRUSTED_PROXIES),
    services,
    routes,
    upstreamTimeoutMs: e.EDGE_UPSTREAM_TIMEOUT_MS,
    openApiCacheMs: e.EDGE_OPENAPI_CACHE_MS,
    publicUrl: e.EDGE_PUBLIC_URL,
    webClient: webClientRoot(e.EDGE_WEB_ROOT),
    cspConnectSources: e.EDGE_CSP_CONNECT_SRC,
    sharedCache: sharedCacheOf(e, services),
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    logLevel: e.LOG_LEVEL,
  };
}
