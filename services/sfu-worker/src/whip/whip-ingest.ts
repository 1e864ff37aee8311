import { Logger } from '@nestjs/common';
import type { KeySource } from '@onair/auth';
import { MediaTicketInvalidError, MediaTicketUsedError, verifyMediaTicket, type VerifiedMediaTicket } from '@onair/media-tickets';
import { UsedTickets } from '@onair/websocket';
import type { Rooms } from '../room/rooms.js';
import { DrainingError } from '../signalling/signalling.errors.js';
import { WhipSession, type IceChange, type WhipSessionOptions } from './whip-session.js';
import { WhipSessionNotFoundError, WhipTicketRefusedError } from './whip.errors.js';

export interface WhipIngestOptions extends WhipSessionOptions {
  nodeId: string;
  /** The node takes nobody new (shutting down): offers are refused as joins are. */
  draining: () => boolean;
}

export interface WhipAnswer {
  sessionId: string;
  sdp: string;
  etag: string;
}

/**
 * The node's WHIP endpoint (`/v1/sfu/whip`), called by stream-sessions once it has checked the
 * broadcast's stream key: every call carries a single-use publish ticket for this node, as a
 * signalling socket does, so the endpoint adds no new way in. Holds this node's WHIP sessions.
 */
export class WhipIngest {
  private readonly log = new Logger('WhipIngest');
  private readonly sessions = new Map<string, WhipSession>();
  private readonly usedTickets = new UsedTickets();

  constructor(
    private readonly rooms: Rooms,
    private readonly keys: KeySource,
    private readonly options: WhipIngestOptions,
  ) {}

  get count(): number {
    return this.sessions.size;
  }

  async offer(authorization: string | undefined, sdp: string): Promise<WhipAnswer> {
    if (this.options.draining()) throw new DrainingError();
    const ticket = await this.publishTicket(authorization);
    const { session, answer } = await WhipSession.start(this.rooms, ticket, sdp, this.options, (ended) => {
      if (this.sessions.get(ended.id) === ended) this.sessions.delete(ended.id);
      this.log.log(`WHIP session ${ended.id} of broadcast ${ended.broadcastId} ended`);
    });
    this.sessions.set(session.id, session);
    this.log.log(`WHIP session ${session.id} publishes broadcast ${session.broadcastId}`);
    return { sessionId: session.id, sdp: answer, etag: session.etag };
  }

  async stop(authorization: string | undefined, sessionId: string): Promise<void> {
    (await this.session(authorization, sessionId)).end();
  }

  async changeIce(authorization: string | undefined, sessionId: string, fragment: string, ifMatch: string | undefined): Promise<IceChange> {
    return (await this.session(authorization, sessionId)).changeIce(fragment, ifMatch);
  }

  private async session(authorization: string | undefined, sessionId: string): Promise<WhipSession> {
    const ticket = await this.publishTicket(authorization);
    const session = this.sessions.get(sessionId);
    // Another broadcast's session reads as none: a ticket says nothing about other broadcasts.
    if (!session || session.broadcastId !== ticket.broadcastId) throw new WhipSessionNotFoundError();
    return session;
  }

  private async publishTicket(authorization: string | undefined): Promise<VerifiedMediaTicket> {
    const token = /^Bearer (\S+)$/.exec(authorization?.trim() ?? '')?.[1];
    if (!token) throw new MediaTicketInvalidError('the Authorization header carries no ticket');
    const ticket = await verifyMediaTicket(token, this.keys, this.options.nodeId);
    if (ticket.role !== 'publish') throw new WhipTicketRefusedError('WHIP takes publish tickets only');
    if (!this.usedTickets.claim(ticket.ticketId, ticket.expiresAt)) throw new MediaTicketUsedError();
    return ticket;
  }
}
