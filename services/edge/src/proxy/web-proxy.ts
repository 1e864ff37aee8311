import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Route } from '../config.js';
import { clientResponseHeaders, upstreamRequestHeaders } from './forwarding-headers.js';
import { asUpstreamError, writeError, type EdgeHttpError } from './proxy.errors.js';
import { openUpstreamRequest, upstreamName, type UpstreamAgents } from './upstream-request.js';

export interface WebProxyOptions {
  /** The client's address as the edge determined it (X-Forwarded-For upstream). */
  clientIp: string | undefined;
  agents: UpstreamAgents;
  timeoutMs: number;
  onError: (err: EdgeHttpError, req: IncomingMessage) => void;
  /** Sees the upstream's answer first; `true` takes it over (the caller answers the client). */
  takeOver?: (upstreamRes: IncomingMessage) => boolean;
}

/**
 * Streams one HTTP exchange through to the route's upstream: the request body is piped as it
 * arrives and the answer is piped back, neither is buffered. Whichever side goes away first
 * takes the other down with it.
 */
export function forwardRequest(req: IncomingMessage, res: ServerResponse, route: Route, options: WebProxyOptions): void {
  const upstream = openUpstreamRequest(req, route, {
    headers: upstreamRequestHeaders(req, false, options.clientIp),
    timeoutMs: options.timeoutMs,
    agents: options.agents,
  });

  upstream.on('response', (upstreamRes) => {
    upstream.setTimeout(0);
    if (options.takeOver?.(upstreamRes)) return;
    res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, clientResponseHeaders(upstreamRes));
    upstreamRes.pipe(res);
    // An upstream that dies mid-answer: the client must see a broken response, not a short one.
    upstreamRes.on('close', () => {
      if (!upstreamRes.complete) res.destroy();
    });
  });

  upstream.on('error', (err) => {
    // Once the answer is complete, a late error (e.g. the upstream closing while the client is
    // still uploading a body it did not want) changes nothing for the client.
    if (res.writableFinished) return;
    const failure = asUpstreamError(err, upstreamName(route));
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    options.onError(failure, req);
    writeError(res, failure);
  });

  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.on('error', () => upstream.destroy());
  req.pipe(upstream);
}
