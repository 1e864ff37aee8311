// Admission: stream-sessions hands out a 60 s ticket naming the SFU node (publish, consume) or
// the chat room (chat); the SFU and chat verify it locally.
import { apiAsSignedIn } from '../session/session';

/** What stream-sessions answers to a ticket request: where to connect and with what. */
export interface TicketGrant {
  ticket: string;
  nodeId: string;
  signallingUrl: string;
}

/** `avoid`: SFU nodes this page could not use moments ago (avoided-nodes.ts). */
export function requestTicket(broadcastId: string, role: 'publish' | 'consume' | 'chat', avoid: string[] = []): Promise<TicketGrant> {
  const body = avoid.length ? { role, avoidNodeIds: avoid } : { role };
  return apiAsSignedIn<TicketGrant>('POST', `/v1/broadcasts/${encodeURIComponent(broadcastId)}/tickets`, body);
}

/** A WebSocket URL on this origin: a relative or http(s) URL becomes ws(s), with the ticket. */
export function socketUrl(path: string, params: Record<string, string>): string {
  const url = new URL(path, location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}

/** Signalling goes through the edge origin (the grant's URL is relative to it, or absolute). */
export function signallingSocketUrl(grant: TicketGrant): string {
  return socketUrl(grant.signallingUrl, { ticket: grant.ticket });
}
