import { Logger } from '@nestjs/common';
import { SfuRefusedError, SfuUnreachableError } from './whip.errors.js';

/** How long an SFU node may take to answer: creating a transport and producers is milliseconds. */
const NODE_TIMEOUT_MS = 10_000;
/** An SDP answer or ICE fragment is a few KiB; a node answering more is not trusted further. */
const MAX_NODE_ANSWER_BYTES = 64 * 1024;

const log = new Logger('SfuWhipClient');

export interface NodeAnswer {
  status: number;
  body: string;
  contentType: string | null;
  etag: string | null;
  location: string | null;
}

/**
 * The SFU node's WHIP endpoint, beside its signalling socket: the same host and the same
 * exposure (published in its load reports as `signallingUrl`), reached with the same credential,
 * a publish ticket for that node. ws://h/v1/sfu/signal → http://h/v1/sfu/whip.
 */
export function nodeWhipUrl(signallingUrl: string): string {
  const url = new URL('whip', signallingUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  url.search = '';
  return url.toString();
}

export interface NodeRequest {
  body?: string;
  contentType?: string;
  ifMatch?: string;
}

/** Calls an SFU node's WHIP endpoint with a publish ticket; a refusal keeps the node's code. */
export async function callNodeWhip(method: string, url: string, ticket: string, nodeId: string, request: NodeRequest = {}): Promise<NodeAnswer> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${ticket}`,
        ...(request.contentType ? { 'content-type': request.contentType } : {}),
        ...(request.ifMatch ? { 'if-match': request.ifMatch } : {}),
      },
      body: request.body,
      redirect: 'error',
      signal: AbortSignal.timeout(NODE_TIMEOUT_MS),
    });
  } catch (err) {
    log.warn(`${method} ${url}: ${(err as Error).message}`);
    throw new SfuUnreachableError(nodeId);
  }
  const body = await res.text();
  if (body.length > MAX_NODE_ANSWER_BYTES) throw new SfuUnreachableError(nodeId);
  if (!res.ok) throw refusal(res.status, body, nodeId);
  return { status: res.status, body, contentType: res.headers.get('content-type'), etag: res.headers.get('etag'), location: res.headers.get('location') };
}

function refusal(status: number, body: string, nodeId: string): Error {
  let error: { code?: unknown; message?: unknown } | undefined;
  try {
    error = (JSON.parse(body) as { error?: typeof error }).error;
  } catch {
    // Not one of our services' error bodies (a proxy in between): the status says enough.
  }
  if (status === 401 || status === 403 || typeof error?.code !== 'string') {
    log.warn(`SFU node ${nodeId} answered ${status}: ${body.slice(0, 300)}`);
    return new SfuUnreachableError(nodeId);
  }
  return new SfuRefusedError(error.code, typeof error.message === 'string' ? error.message : 'refused by the SFU node', status);
}
