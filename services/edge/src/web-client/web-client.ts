import { Inject, Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EDGE_CONFIG, EDGE_ENDPOINT_PATHS, type EdgeConfig } from '../config.js';
import { writeError } from '../proxy/proxy.errors.js';
import { pathOf } from '../proxy/request-path.js';
import { pageSecurityHeaders } from './security-headers.js';
import { ROOT_FILES, WebClientBuild, type StaticFile } from './web-client-build.js';
import { AssetNotFoundError, WebClientNotBuiltError } from './web-client.errors.js';

/** The API's namespaces: an unrouted path there stays a JSON 404, whatever the Accept header. */
const API_PATHS = ['/v1', '/.well-known'];
const NEVER_THE_CLIENT = [...API_PATHS, ...EDGE_ENDPOINT_PATHS];
const ASSETS = '/assets';

/** Content-hashed names: a file at one name never changes. */
const ASSET_HEADERS = { 'cache-control': 'public, max-age=31536000, immutable', 'x-content-type-options': 'nosniff' };

/**
 * The service worker: revalidated at every update check (it keeps its name, unlike assets), and
 * under a policy of its own, since a worker's CSP comes from its script's response: it shows
 * notifications and opens this site's pages, it loads and fetches nothing.
 */
const ROOT_FILE_HEADERS = { 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'none'" };
const ROOT_FILE_PATHS = new Map<string, string>(ROOT_FILES.map((name) => [`/${name}`, name]));

/** The client's routes (/, /watch/<id>…) are the page a browser navigates to, not what fetch() asks for. */
function isPageRequest(req: IncomingMessage, path: string): boolean {
  const p = path.toLowerCase();
  if (NEVER_THE_CLIENT.some((own) => p === own || p.startsWith(`${own}/`))) return false;
  return (req.headers.accept ?? '').includes('text/html');
}

/** gzip unless the client refused it (absent, or `gzip;q=0`). */
function acceptsGzip(req: IncomingMessage): boolean {
  return String(req.headers['accept-encoding'] ?? '')
    .split(',')
    .some((part) => {
      const [coding, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((x) => x.trim()).find((x) => x.startsWith('q='));
      return coding.trim() === 'gzip' && (!q || Number(q.slice(2)) > 0);
    });
}

/**
 * Serves the web client (services/web's build): its hashed assets under /assets/ as immutable,
 * the service worker at /push-worker.js, and index.html, never cached without revalidation,
 * for every page a browser navigates to outside the API and the edge's endpoints. Runs after
 * the proxy, so routed paths never get here.
 */
@Injectable()
export class WebClient {
  private readonly log = new Logger('WebClient');
  private readonly build?: WebClientBuild;

  constructor(@Inject(EDGE_CONFIG) private readonly config: EdgeConfig) {
    const where = config.webClient;
    if (!where) return;
    this.build = WebClientBuild.load(where.root);
    if (!this.build && where.required) throw new Error(`edge: EDGE_WEB_ROOT ${where.root} has no index.html (build services/web)`);
    if (!this.build) this.log.warn(new WebClientNotBuiltError(where.root).message);
  }

  /** Express middleware, mounted right after the proxy. */
  readonly handleRequest = (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    if (!this.config.webClient || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    const path = pathOf(req.url ?? '');
    const lower = path.toLowerCase();
    if (lower === ASSETS || lower.startsWith(`${ASSETS}/`)) return this.serveAsset(path.slice(ASSETS.length + 1), req, res);
    const rootFile = ROOT_FILE_PATHS.get(path);
    if (rootFile) return this.serveRootFile(rootFile, req, res);
    if (!isPageRequest(req, path)) return next();
    if (!this.build) return writeError(res, new WebClientNotBuiltError(this.config.webClient.root));
    if (req.headers['if-none-match'] === this.build.index.etag) return void res.writeHead(304, { etag: this.build.index.etag }).end();
    send(req, res, this.build.index, {
      'cache-control': 'no-cache',
      vary: 'Accept, Accept-Encoding',
      ...pageSecurityHeaders(req, this.config),
    });
  };

  /** Only names of the build's own assets, compared as strings: a request never names a file. */
  private serveAsset(name: string, req: IncomingMessage, res: ServerResponse): void {
    const file = this.build?.asset(name);
    if (!file) return writeError(res, new AssetNotFoundError());
    send(req, res, file, { ...ASSET_HEADERS, vary: 'Accept-Encoding' });
  }

  private serveRootFile(name: string, req: IncomingMessage, res: ServerResponse): void {
    const file = this.build?.rootFile(name);
    if (!file) return writeError(res, new AssetNotFoundError());
    if (req.headers['if-none-match'] === file.etag) return void res.writeHead(304, { etag: file.etag }).end();
    send(req, res, file, { ...ROOT_FILE_HEADERS, vary: 'Accept-Encoding' });
  }
}

function send(req: IncomingMessage, res: ServerResponse, file: StaticFile, headers: Record<string, string>): void {
  const body = file.gzipped && acceptsGzip(req) ? file.gzipped : file.body;
  res.writeHead(200, {
    'content-type': file.contentType,
    'content-length': String(body.length),
    etag: file.etag,
    ...(body === file.gzipped ? { 'content-encoding': 'gzip' } : {}),
    ...headers,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
