import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Route } from '../config.js';
import { UpstreamTimeoutError } from './proxy.errors.js';

/** Keep-alive connections to the upstreams, shared by every proxied request. */
export class UpstreamAgents {
  readonly http = new HttpAgent({ keepAlive: true });
  readonly https = new HttpsAgent({ keepAlive: true });

  destroy(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

export interface UpstreamRequestOptions {
  headers: OutgoingHttpHeaders;
  timeoutMs: number;
  /** `false` for a connection of its own (a WebSocket keeps it). */
  agents: UpstreamAgents | false;
}

/** A readable name for an upstream in error messages (never its internal address). */
export const upstreamName = (route: Route) => route.service ?? `the upstream of ${route.prefix}`;

/**
 * Opens the request to the route's upstream with the same method and target. The timeout is
 * one of inactivity while waiting for the answer (a slow upload keeps it alive); it becomes
 * an UpstreamTimeoutError, and callers clear it once the upstream answers, so long-lived
 * responses (streams, WebSockets) are not cut.
 */
export function openUpstreamRequest(req: IncomingMessage, route: Route, options: UpstreamRequestOptions): ClientRequest {
  const { target } = route;
  const secure = target.protocol === 'https:';
  const hostname = target.hostname.replace(/^\[(.*)\]$/, '$1');
  const agent = options.agents === false ? false : secure ? options.agents.https : options.agents.http;
  const upstream = (secure ? httpsRequest : httpRequest)({
    protocol: target.protocol,
    hostname,
    port: target.port || (secure ? 443 : 80),
    method: req.method,
    path: req.url,
    headers: options.headers,
    agent,
    // The Host header is the client's; TLS must still name the upstream.
    ...(secure ? { servername: hostname } : {}),
  });
  upstream.setTimeout(options.timeoutMs, () => upstream.destroy(new UpstreamTimeoutError(upstreamName(route), options.timeoutMs)));
  return upstream;
}
