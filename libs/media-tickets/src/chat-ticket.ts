import type { KeySource } from '@onair/auth';
import { errors, jwtVerify, SignJWT, type CryptoKey, type KeyObject } from 'jose';
import { randomUUID } from 'node:crypto';
import { MEDIA_TICKET_ISSUER, MediaTicketExpiredError, MediaTicketInvalidError, type BroadcastAudience } from './media-ticket.js';

/** Chat tickets are for chat only: an SFU refuses them, chat refuses media tickets. */
export const CHAT_TICKET_AUDIENCE = 'onair-chat';
const ALG = 'EdDSA';

/**
 * A chat ticket: stream-sessions' signed answer to "may this account join this broadcast's
 * chat". The same admission as watching (visibility, blocks, circles) was checked when it was
 * issued; chat verifies it locally and asks nobody per message.
 */
export interface ChatTicket {
  accountId: string;
  /** Shown next to the account's messages. */
  handle: string;
  broadcastId: string;
  audience: BroadcastAudience;
  /** The account followed the broadcaster when the ticket was issued (crowded rooms, followers-only chat). */
  followsOwner: boolean;
}

export interface VerifiedChatTicket extends ChatTicket {
  ticketId: string;
  issuedAt: Date;
  expiresAt: Date;
}

/** The broadcaster's own ticket. */
export const isOwnerTicket = (t: ChatTicket) => t.accountId === t.audience.ownerId;

export async function signChatTicket(
  ticket: ChatTicket,
  key: { kid: string; privateKey: CryptoKey | KeyObject | Uint8Array },
  ttlSeconds = 60,
): Promise<string> {
  const a = ticket.audience;
  return new SignJWT({
    bid: ticket.broadcastId,
    role: 'chat',
    hdl: ticket.handle,
    fol: ticket.followsOwner,
    adm: { own: a.ownerId, vis: a.visibility, ...(a.circleId ? { cir: a.circleId } : {}) },
  })
    .setProtectedHeader({ alg: ALG, kid: key.kid, typ: 'JWT' })
    .setSubject(ticket.accountId)
    .setIssuer(MEDIA_TICKET_ISSUER)
    .setAudience(CHAT_TICKET_AUDIENCE)
    .setIssuedAt()
    .setJti(randomUUID())
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key.privateKey);
}

/** Verifies a chat ticket; throws MEDIA.TICKET_INVALID or MEDIA.TICKET_EXPIRED. */
export async function verifyChatTicket(token: string, keys: KeySource): Promise<VerifiedChatTicket> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, keys, { issuer: MEDIA_TICKET_ISSUER, audience: CHAT_TICKET_AUDIENCE, algorithms: [ALG] }));
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw new MediaTicketExpiredError();
    throw new MediaTicketInvalidError();
  }
  const { sub, bid, role, hdl, fol, adm, jti, iat, exp } = payload;
  const { own, vis, cir } = (adm ?? {}) as { own?: unknown; vis?: unknown; cir?: unknown };
  const valid =
    typeof sub === 'string' &&
    typeof bid === 'string' &&
    role === 'chat' &&
    typeof hdl === 'string' &&
    typeof fol === 'boolean' &&
    typeof own === 'string' &&
    (vis === 'public' || vis === 'followers' || (vis === 'circle' && typeof cir === 'string')) &&
    typeof jti === 'string' &&
    typeof iat === 'number' &&
    typeof exp === 'number';
  if (!valid) throw new MediaTicketInvalidError();
  return {
    accountId: sub,
    handle: hdl,
    broadcastId: bid,
    audience: { ownerId: own, visibility: vis, ...(vis === 'circle' ? { circleId: cir as string } : {}) },
    followsOwner: fol,
    ticketId: jti,
    issuedAt: new Date(iat * 1000),
    expiresAt: new Date(exp * 1000),
  };
}
