import { Logger } from '@nestjs/common';
import type { KeySource } from '@onair/auth';
import { MediaTicketInvalidError, MediaTicketUsedError, verifyMediaTicket, type VerifiedMediaTicket } from '@onair/media-tickets';
import { UsedTickets } from '@onair/websocket';
import type { Rooms } from '../room/rooms.js';
import { DrainingError } from '../signalling/signalling.errors.js';
import type { PlainPublishRequest } from './plain-publish-request.js';
import { PlainPublishSession, type PlainPublishAnswer, type PlainPublishSessionOptions } from './plain-publish-session.js';
import { PlainPublishSessionNotFoundError, PlainPublishTicketRefusedError } from './plain-publish.errors.js';

export interface PlainPublishIngestOptions extends PlainPublishSessionOptions {
  nodeId: string;
  /** The node takes nobody new (shutting down): requests are refused as joins are. */
  draining: () => boolean;
}

/**
 * The node's plain-publish endpoint (`/v1/sfu/plain-publish`), called by an RTMP ingest (on
 * this node or another) once stream-sessions has checked the stream key and placed the
 * publisher here: every call carries a single-use publish ticket for this node, as WHIP's and
 * the signalling socket's do, so the endpoint adds no new way in. Holds this node's sessions.
 */
export class PlainPublishIngest {
  private readonly log = new Logger('PlainPublishIngest');
  private readonly sessions = new Map<string, PlainPublishSession>();
  private readonly usedTickets = new UsedTickets();

  constructor(
    private readonly rooms: Rooms,
    private readonly keys: KeySource,
    private readonly options: PlainPublishIngestOptions,
  ) {}

  get count(): number {
    return this.sessions.size;
  }

  async start(authorization: string | undefined, request: PlainPublishRequest): Promise<PlainPublishAnswer> {
    if (this.options.draining()) throw new DrainingError();
    const ticket = await this.publishTicket(authorization);
    const { session, answer } = await PlainPublishSession.start(this.rooms, ticket, request, this.options, (ended) => {
      if (this.sessions.get(ended.id) === ended) this.sessions.delete(ended.id);
      this.log.log(`plain-publish publisher ${ended.participant.id} of broadcast ${ended.broadcastId} ended`);
    });
    this.sessions.set(session.id, session);
    this.log.log(`plain-publish publisher ${session.participant.id} publishes broadcast ${session.broadcastId}`);
    return answer;
  }

  /**
   * The session id is the credential: the sender learnt it from the answer to its ticket (a
   * single-use ticket cannot be shown twice), and nothing else shows it.
   */
  stop(sessionId: string): void {
    const session = this.sessions.get(sessionId);
    if (!session) throw new PlainPublishSessionNotFoundError();
    session.end();
  }

  closeAll(): void {
    for (const s of [...this.sessions.values()]) s.end();
  }

  private async publishTicket(authorization: string | undefined): Promise<VerifiedMediaTicket> {
    const token = /^Bearer (\S+)$/.exec(authorization?.trim() ?? '')?.[1];
    if (!token) throw new MediaTicketInvalidError('the Authorization header carries no ticket');
    const ticket = await verifyMediaTicket(token, this.keys, this.options.nodeId);
    if (ticket.role !== 'publish') throw new PlainPublishTicketRefusedError('plain publishing takes publish tickets only');
    if (!this.usedTickets.claim(ticket.ticketId, ticket.expiresAt)) throw new MediaTicketUsedError();
    return ticket;
  }
}
