import { DomainError } from '@onair/errors';
import type { KeySource } from '@onair/auth';
import { errors, jwtVerify, SignJWT, type CryptoKey, type KeyObject } from 'jose';
import { randomUUID } from 'node:crypto';

/**
 * A media ticket: stream-sessions' short-lived, signed answer to "may this account publish or
 * watch this broadcast, and on which SFU node". The SFU verifies it locally (stream-sessions'
 * JWKS) and never calls back: admission decisions (visibility, blocks, circles) happen once,
 * in stream-sessions.
 */
export interface MediaTicket {
  accountId: string;
  broadcastId: string;
  /** publish: send the broadcast's media; consume: receive it. */
  role: 'publish' | 'consume';
  /** The SFU node the bearer must connect to. */
  nodeId: string;
  /**
   * Consume tickets for a node other than the publisher's: the origin node that `nodeId` pulls
   * the broadcast from (over a relay connection to `relayUrl`), when it has no copy yet.
   */
  relayFrom?: { nodeId: string; relayUrl: string };
  /**
   * Who the broadcast is for, as admission saw it: the SFU keeps it with the room, so when the
   * owner later blocks a viewer, or the viewer leaves the owner's followers or circle, the
   * viewer loses the media it was admitted to (social-graph's events say so).
   */
  audience?: BroadcastAudience;
}

export interface BroadcastAudience {
  ownerId: string;
  visibility: 'public' | 'followers' | 'circle';
  /** The circle of a circle broadcast. */
  circleId?: string;
}

/** A ticket as verified: its claims, plus what makes it single-use (its id, until when it lives). */
export interface VerifiedMediaTicket extends MediaTicket {
  /** The JWT id (`jti`): one ticket admits one connection. */
  ticketId: string;
  issuedAt: Date;
  expiresAt: Date;
}

export const MEDIA_TICKET_ISSUER = 'onair-stream-sessions';
export const MEDIA_TICKET_AUDIENCE = 'onair-sfu';
const ALG = 'EdDSA';

export class MediaTicketInvalidError extends DomainError {
  readonly code = 'MEDIA.TICKET_INVALID';
  readonly kind = 'unauthenticated' as const;
  constructor(reason = 'the media ticket is not valid') {
    super(reason);
  }
}

export class MediaTicketExpiredError extends DomainError {
  readonly code = 'MEDIA.TICKET_EXPIRED';
  readonly kind = 'unauthenticated' as const;
  constructor() {
    super('the media ticket has expired; ask stream-sessions for a new one');
  }
}

export class MediaTicketWrongNodeError extends DomainError {
  readonly code = 'MEDIA.TICKET_WRONG_NODE';
  readonly kind = 'forbidden' as const;
  constructor(nodeId: string) {
    super(`this ticket is for SFU node ${nodeId}`);
  }
}

/** A ticket admits one connection; this one has already been used. */
export class MediaTicketUsedError extends DomainError {
  readonly code = 'MEDIA.TICKET_USED';
  readonly kind = 'unauthenticated' as const;
  constructor() {
    super('this media ticket has already been used; ask stream-sessions for a new one');
  }
}

export async function signMediaTicket(
  ticket: MediaTicket,
  key: { kid: string; privateKey: CryptoKey | KeyObject | Uint8Array },
  ttlSeconds = 60,
): Promise<string> {
  const relay = ticket.relayFrom && { rly: { node: ticket.relayFrom.nodeId, url: ticket.relayFrom.relayUrl } };
  const a = ticket.audience;
  const audience = a && { adm: { own: a.ownerId, vis: a.visibility, ...(a.circleId ? { cir: a.circleId } : {}) } };
  return new SignJWT({ bid: ticket.broadcastId, role: ticket.role, node: ticket.nodeId, ...relay, ...audience })
    .setProtectedHeader({ alg: ALG, kid: key.kid, typ: 'JWT' })
    .setSubject(ticket.accountId)
    .setIssuer(MEDIA_TICKET_ISSUER)
    .setAudience(MEDIA_TICKET_AUDIENCE)
    .setIssuedAt()
    .setJti(randomUUID())
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key.privateKey);
}

/** Verifies a ticket for this node; throws a stable-coded error otherwise. */
export async function verifyMediaTicket(token: string, keys: KeySource, nodeId: string): Promise<VerifiedMediaTicket> {
  const ticket = await readMediaTicket(token, keys);
  if (ticket.nodeId !== nodeId) throw new MediaTicketWrongNodeError(ticket.nodeId);
  return ticket;
}

/**
 * Verifies a ticket a node presents to the origin `nodeId` to relay the broadcast: a consume
 * ticket for another node that names this one as where it pulls from.
 */
export async function verifyRelayTicket(token: string, keys: KeySource, nodeId: string): Promise<VerifiedMediaTicket> {
  const ticket = await readMediaTicket(token, keys);
  if (ticket.role !== 'consume' || ticket.relayFrom?.nodeId !== nodeId) throw new MediaTicketWrongNodeError(ticket.relayFrom?.nodeId ?? ticket.nodeId);
  return ticket;
}

async function readMediaTicket(token: string, keys: KeySource): Promise<VerifiedMediaTicket> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, keys, { issuer: MEDIA_TICKET_ISSUER, audience: MEDIA_TICKET_AUDIENCE, algorithms: [ALG] }));
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw new MediaTicketExpiredError();
    throw new MediaTicketInvalidError();
  }
  const { sub, bid, role, node, rly, adm, jti, exp, iat } = payload;
  if (typeof sub !== 'string' || typeof bid !== 'string' || typeof node !== 'string' || (role !== 'publish' && role !== 'consume')) {
    throw new MediaTicketInvalidError();
  }
  if (typeof jti !== 'string' || typeof exp !== 'number' || typeof iat !== 'number') throw new MediaTicketInvalidError();
  const ticket: VerifiedMediaTicket = {
    accountId: sub,
    broadcastId: bid,
    role,
    nodeId: node,
    ticketId: jti,
    issuedAt: new Date(iat * 1000),
    expiresAt: new Date(exp * 1000),
  };
  if (adm !== undefined) ticket.audience = readAudience(adm);
  if (rly !== undefined) {
    const relay = rly as { node?: unknown; url?: unknown } | null;
    if (typeof relay?.node !== 'string' || typeof relay.url !== 'string') throw new MediaTicketInvalidError();
    ticket.relayFrom = { nodeId: relay.node, relayUrl: relay.url };
  }
  return ticket;
}

function readAudience(adm: unknown): BroadcastAudience {
  const { own, vis, cir } = (adm ?? {}) as { own?: unknown; vis?: unknown; cir?: unknown };
  if (typeof own !== 'string' || (vis !== 'public' && vis !== 'followers' && vis !== 'circle')) throw new MediaTicketInvalidError();
  if (vis === 'circle' && typeof cir !== 'string') throw new MediaTicketInvalidError();
  return { ownerId: own, visibility: vis, ...(vis === 'circle' ? { circleId: cir as string } : {}) };
}
