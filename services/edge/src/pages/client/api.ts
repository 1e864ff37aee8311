// Browser-side calls to the public API through the edge (same origin).

export interface Session {
  accessToken: string;
  handle: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(`${code}: ${message}`);
  }
}

export async function api<T>(method: string, path: string, body?: unknown, session?: Session): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(session ? { authorization: `Bearer ${session.accessToken}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new ApiError(res.status, json?.error?.code ?? `HTTP.${res.status}`, json?.error?.message ?? res.statusText, json?.error?.details);
  return json as T;
}

export async function signIn(login: string, password: string): Promise<Session> {
  const tokens = await api<{ accessToken: string }>('POST', '/v1/sessions', { login, password });
  return { accessToken: tokens.accessToken, handle: login };
}

/** What stream-sessions answers to a ticket request: where to connect and with what. */
export interface TicketGrant {
  ticket: string;
  nodeId: string;
  signallingUrl: string;
}

export function requestTicket(session: Session, broadcastId: string, role: 'publish' | 'consume'): Promise<TicketGrant> {
  return api<TicketGrant>('POST', `/v1/broadcasts/${encodeURIComponent(broadcastId)}/tickets`, { role }, session);
}

/** Signalling goes through the edge origin; a relative or http(s) URL becomes ws(s). */
export function signallingSocketUrl(grant: TicketGrant): string {
  const url = new URL(grant.signallingUrl, location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('ticket', grant.ticket);
  return url.toString();
}


export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What stream-sessions shows of a broadcast (the parts these pages read). */
export interface BroadcastView {
  id: string;
  state: 'created' | 'live' | 'ended' | 'replay_ready' | 'expired';
}

export function getBroadcast(session: Session, broadcastId: string): Promise<BroadcastView> {
  return api<BroadcastView>('GET', `/v1/broadcasts/${encodeURIComponent(broadcastId)}`, undefined, session);
}
