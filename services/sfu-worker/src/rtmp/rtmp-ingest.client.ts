import type { PlainPublishAnswer } from '../plain-publish/plain-publish-session.js';
import type { PlainPublishRequest } from '../plain-publish/plain-publish-request.js';

/** stream-sessions and SFU nodes answer in milliseconds; a hung one must not hold the encoder. */
const TIMEOUT_MS = 10_000;
const MAX_ANSWER_BYTES = 16 * 1024;

export interface RtmpGrant {
  ticket: string;
  nodeId: string;
  plainPublishUrl: string;
}

/** A refusal from stream-sessions or the node: its HTTP status and stable code. */
export class IngestRefusedError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(`${status} ${code}`);
  }
}

/** The broadcast a well-formed stream key names (`osk_<32 hex>_<43 b64url>`, stream-sessions' stream-key.ts). */
export function broadcastOfKey(key: string): string | undefined {
  const hex = /^osk_([0-9a-f]{32})_[A-Za-z0-9_-]{43}$/.exec(key)?.[1];
  return hex && `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

async function call(method: string, url: string, authorization: string | undefined, body?: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method,
    headers: { ...(authorization ? { authorization } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    redirect: 'error',
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await res.text();
  if (text.length > MAX_ANSWER_BYTES) throw new IngestRefusedError(502, 'SFU.RTMP_ANSWER_TOO_LARGE');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!res.ok) throw new IngestRefusedError(res.status, (parsed as { error?: { code?: string } })?.error?.code ?? 'UNKNOWN');
  return parsed;
}

/** stream-sessions checks the key and places the publisher (the key goes in a header, nowhere else). */
export async function requestRtmpGrant(streamSessionsUrl: string, broadcastId: string, key: string): Promise<RtmpGrant> {
  const grant = (await call('POST', new URL(`/v1/broadcasts/${broadcastId}/rtmp-ticket`, streamSessionsUrl).toString(), `Bearer ${key}`)) as RtmpGrant;
  if (typeof grant?.ticket !== 'string' || typeof grant.plainPublishUrl !== 'string' || !/^https?:\/\//.test(grant.plainPublishUrl)) {
    throw new IngestRefusedError(502, 'SFU.RTMP_GRANT_INVALID');
  }
  return grant;
}

export async function startPlainPublish(grant: RtmpGrant, request: PlainPublishRequest): Promise<PlainPublishAnswer> {
  const answer = (await call('POST', grant.plainPublishUrl, `Bearer ${grant.ticket}`, request)) as PlainPublishAnswer;
  const portOk = (p?: { rtpPort?: unknown; rtcpPort?: unknown }) => !p || (Number.isInteger(p.rtpPort) && Number.isInteger(p.rtcpPort));
  if (typeof answer?.sessionId !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(answer.sessionId) || !isIp(answer.ip) || !portOk(answer.video) || !portOk(answer.audio)) {
    throw new IngestRefusedError(502, 'SFU.PLAIN_PUBLISH_ANSWER_INVALID');
  }
  return answer;
}

export async function stopPlainPublish(grant: RtmpGrant, sessionId: string): Promise<void> {
  await call('DELETE', `${grant.plainPublishUrl}/${sessionId}`, undefined);
}

const isIp = (ip: unknown): ip is string => typeof ip === 'string' && (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip) || /^[0-9a-fA-F:]{2,39}$/.test(ip));
