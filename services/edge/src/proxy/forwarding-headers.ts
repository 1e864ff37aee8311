import { injectTraceContext } from '@onair/telemetry';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { TLSSocket } from 'node:tls';

// Hop-by-hop headers (RFC 9110 §7.6.1 and their legacy kin) describe one connection, not the
// message, so they stop here. Transfer-Encoding is the exception on requests, see below.
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade', 'proxy-authenticate', 'proxy-authorization'];

// A client may name any header in Connection; it must not make the edge drop message framing.
const NEVER_DROPPED = new Set(['host', 'content-length', 'transfer-encoding']);

type Headers = Record<string, string | string[]>;

function endToEnd(message: IncomingMessage, extraHopByHop: string[]): Headers {
  const drop = new Set([...HOP_BY_HOP, ...extraHopByHop]);
  for (const named of (message.headers.connection ?? '').split(',')) {
    const name = named.trim().toLowerCase();
    if (name && !NEVER_DROPPED.has(name)) drop.add(name);
  }
  const headers: Headers = {};
  for (const [name, values] of Object.entries(message.headersDistinct)) {
    if (!values || drop.has(name)) continue;
    headers[name] = values.length === 1 ? values[0] : values;
  }
  return headers;
}

/**
 * Headers of the request sent upstream: the client's end-to-end headers (Host kept), the
 * `x-forwarded-*` trio, and the active trace context, so the edge's own HTTP span is the parent
 * of whatever the upstream does. A client's `traceparent` was already continued by that span.
 *
 * Transfer-Encoding stays: Node's client then re-chunks the streamed body itself. Dropping it
 * would leave a chunked GET/DELETE body without any framing, i.e. a smuggled request upstream.
 */
export function upstreamRequestHeaders(req: IncomingMessage, upgrade: boolean, clientIp: string | undefined): OutgoingHttpHeaders {
  const claims = ['forwarded', 'x-real-ip', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host'];
  const headers: OutgoingHttpHeaders = endToEnd(req, ['traceparent', 'tracestate', ...claims]);
  // The edge states the client's address (see clientAddress: its peer, or what trusted proxies
  // in front of it saw), scheme and host itself, as one entry: whatever a client claims in these
  // headers is dropped, not appended to. (The services trust the edge's X-Forwarded-For; an
  // appended hop would vouch for a forged one.)
  if (clientIp) headers['x-forwarded-for'] = clientIp;
  headers['x-forwarded-proto'] = req.socket instanceof TLSSocket ? 'https' : 'http';
  if (req.headers.host) headers['x-forwarded-host'] = req.headers.host;
  Object.assign(headers, injectTraceContext());
  if (upgrade) {
    headers.connection = 'Upgrade';
    headers.upgrade = req.headers.upgrade;
  }
  return headers;
}

/**
 * Headers of the upstream's answer as relayed to the client: end-to-end ones only (Node frames
 * the body again), and without the upstream's `traceparent`: the client keeps the edge's, the
 * root of the server side of the trace.
 */
export function clientResponseHeaders(upstreamRes: IncomingMessage): Headers {
  return endToEnd(upstreamRes, ['transfer-encoding', 'traceparent']);
}
