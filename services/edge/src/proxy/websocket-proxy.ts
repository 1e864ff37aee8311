import { injectTraceContext } from '@onair/telemetry';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Route } from '../config.js';
import { clientResponseHeaders, upstreamRequestHeaders } from './forwarding-headers.js';
import { asUpstreamError, writeRawError } from './proxy.errors.js';
import { openUpstreamRequest, upstreamName } from './upstream-request.js';

/** A refusal's body is relayed whole (upstreams answer these with a short error document). */
const MAX_REFUSAL_BODY = 64 * 1024;

export interface WebSocketProxyOptions {
  /** The client's address as the edge determined it (X-Forwarded-For upstream). */
  clientIp: string | undefined;
  timeoutMs: number;
  /** Open tunnels, so shutdown can close them. */
  tunnels: Set<Duplex>;
}

function headLines(headers: Record<string, string | string[]>): string {
  return Object.entries(headers)
    .flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v) => `${name}: ${v}\r\n`))
    .join('');
}

/** Splices the two sockets together; either one closing closes both. */
function tunnel(client: Duplex, upstream: Socket, tunnels: Set<Duplex>): void {
  tunnels.add(client);
  upstream.setTimeout(0);
  upstream.setNoDelay(true);
  const close = () => {
    tunnels.delete(client);
    client.destroy();
    upstream.destroy();
  };
  for (const socket of [client, upstream]) {
    socket.on('error', close);
    socket.on('close', close);
  }
  upstream.pipe(client);
  client.pipe(upstream);
}

/** The upstream answered the upgrade with an ordinary response: relay it and close. */
function relayRefusal(upstreamRes: IncomingMessage, client: Duplex): void {
  const chunks: Buffer[] = [];
  let size = 0;
  upstreamRes.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_REFUSAL_BODY) client.destroy();
    else chunks.push(chunk);
  });
  upstreamRes.on('end', () => {
    const body = Buffer.concat(chunks);
    const headers = { ...clientResponseHeaders(upstreamRes), 'content-length': String(body.length), connection: 'close' };
    client.end(Buffer.concat([Buffer.from(`HTTP/1.1 ${upstreamRes.statusCode} ${upstreamRes.statusMessage}\r\n${headLines(headers)}\r\n`), body]));
  });
}

/**
 * Carries a WebSocket handshake to the route's upstream and, once it switches protocols,
 * splices the client's socket to the upstream's. Resolves when the handshake is settled;
 * rejects (after answering the client) when the upstream cannot be reached.
 */
export function forwardUpgrade(req: IncomingMessage, client: Duplex, head: Buffer, route: Route, options: WebSocketProxyOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    // Taken now, inside the caller's span: socket events may run in another context.
    const traceHeaders = injectTraceContext();
    const upstream = openUpstreamRequest(req, route, {
      headers: upstreamRequestHeaders(req, true, options.clientIp),
      timeoutMs: options.timeoutMs,
      agents: false,
    });
    const abandon = () => upstream.destroy();
    client.once('close', abandon);

    upstream.on('upgrade', (upstreamRes, upstreamSocket, upstreamHead) => {
      client.off('close', abandon);
      const headers = { ...clientResponseHeaders(upstreamRes), connection: 'Upgrade', upgrade: upstreamRes.headers.upgrade ?? 'websocket', ...traceHeaders };
      client.write(`HTTP/1.1 101 Switching Protocols\r\n${headLines(headers)}\r\n`);
      if (upstreamHead.length) client.write(upstreamHead);
      if (head.length) upstreamSocket.write(head);
      tunnel(client, upstreamSocket, options.tunnels);
      resolve();
    });
    upstream.on('response', (upstreamRes) => {
      relayRefusal(upstreamRes, client);
      resolve();
    });
    upstream.on('error', (err) => {
      const failure = asUpstreamError(err, upstreamName(route));
      writeRawError(client, failure, traceHeaders);
      reject(failure);
    });
    upstream.end();
  });
}
