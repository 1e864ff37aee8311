import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { extractTraceContext, SpanKind, withSpan } from '@onair/telemetry';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { EDGE_CONFIG, type EdgeConfig } from '../config.js';
import { SharedCache } from '../shared-cache/shared-cache.js';
import { clientAddress } from './client-address.js';
import { MalformedPathError, NoRouteError, UnsupportedUpgradeError, writeError, writeRawError, type EdgeHttpError } from './proxy.errors.js';
import { malformedPathReason, pathOf } from './request-path.js';
import { RouteTable } from './route-table.js';
import { UpstreamAgents } from './upstream-request.js';
import { forwardRequest } from './web-proxy.js';
import { forwardUpgrade } from './websocket-proxy.js';

/**
 * The edge's routing: every request and WebSocket upgrade whose path a route owns goes to that
 * route's upstream; everything else falls through to the edge's own endpoints (and their 404).
 */
@Injectable()
export class EdgeProxy implements OnApplicationShutdown {
  private readonly log = new Logger('EdgeProxy');
  private readonly routes: RouteTable;
  private readonly agents = new UpstreamAgents();
  private readonly tunnels = new Set<Duplex>();
  private readonly cache?: SharedCache;

  constructor(@Inject(EDGE_CONFIG) private readonly config: EdgeConfig) {
    this.routes = new RouteTable(config.routes);
    this.cache = config.sharedCache ? new SharedCache(config.sharedCache) : undefined;
  }

  /** Express middleware, mounted before Nest's router and without a body parser. */
  readonly handleRequest = (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const target = req.url ?? '';
    const reason = malformedPathReason(target);
    if (reason) return writeError(res, new MalformedPathError(reason));
    const route = this.routes.match(pathOf(target));
    if (!route) return next();
    const clientIp = clientAddress(req, this.config.trustedProxies);
    const options = { clientIp, agents: this.agents, timeoutMs: this.config.upstreamTimeoutMs, onError: this.logFailure };
    if (this.cache && SharedCache.accepts(req)) return this.cache.handle(req, res, route, options);
    forwardRequest(req, res, route, options);
  };

  /** Listener of the HTTP server's `upgrade` event. Express never sees these requests. */
  readonly handleUpgrade = (req: IncomingMessage, client: Duplex, head: Buffer): void => {
    // A client resetting its socket must not become an unhandled 'error' event.
    client.on('error', () => client.destroy());
    const target = req.url ?? '';
    const reason = malformedPathReason(target);
    if (reason) return writeRawError(client, new MalformedPathError(reason));
    const path = pathOf(target);
    const route = this.routes.match(path);
    if (!route) return writeRawError(client, new NoRouteError(path));
    if (req.headers.upgrade?.toLowerCase() !== 'websocket') return writeRawError(client, new UnsupportedUpgradeError());
    // No Express here, so no HTTP span from libs/telemetry: the handshake gets its own.
    const clientIp = clientAddress(req, this.config.trustedProxies);
    withSpan(`${req.method} ${path}`, () => forwardUpgrade(req, client, head, route, { clientIp, timeoutMs: this.config.upstreamTimeoutMs, tunnels: this.tunnels }), {
      kind: SpanKind.SERVER,
      parent: extractTraceContext(req.headers as Record<string, string | undefined>),
      attributes: { 'http.request.method': req.method, 'url.path': path, 'edge.upgrade': 'websocket' },
    }).catch((err: EdgeHttpError) => this.logFailure(err, req));
  };

  onApplicationShutdown(): void {
    for (const socket of this.tunnels) socket.destroy();
    this.agents.destroy();
  }

  private readonly logFailure = (err: EdgeHttpError, req: IncomingMessage) => {
    const cause = err.cause instanceof Error ? ` (${err.cause.message})` : '';
    this.log.warn(`${req.method} ${pathOf(req.url ?? '')}: ${err.code}: ${err.message}${cause}`);
  };
}
