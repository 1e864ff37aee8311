import { Inject, Injectable } from '@nestjs/common';
import { signMediaTicket } from '@onair/media-tickets';
import { DataSource } from 'typeorm';
import { BroadcastOverError } from '../admission/admission.errors.js';
import { MediaKeys } from '../admission/media-keys.js';
import { TicketsService } from '../admission/tickets.service.js';
import type { BroadcastId, BroadcastRow } from '../broadcasts/broadcast-record.js';
import { STREAM_SESSIONS_CONFIG, type StreamSessionsConfig } from '../config.js';
import { StreamKeys } from '../stream-keys/stream-keys.js';
import { assertNotSuspended } from '../suspensions/account-suspension.js';
import { BroadcastTakenDownError } from '../takedowns/takedown.errors.js';
import { callNodeWhip, nodeWhipUrl, type NodeAnswer, type NodeRequest } from './sfu-whip.client.js';
import { readWhipSessionId, whipSessionId } from './whip-session-id.js';
import { SfuUnreachableError, WhipBusyError, WhipSessionNotFoundError } from './whip.errors.js';

export interface WhipOfferAnswer {
  sessionId: string;
  sdp: string;
  etag: string | null;
}

/**
 * WHIP ingest (RFC 9725): an encoder presents the broadcast's stream key instead of the owner's
 * session; stream-sessions checks it, places the publisher exactly as a publish ticket does
 * (TicketsService: owner not suspended, broadcast not over or taken down, its current node or
 * the least loaded), and hands the SDP offer to that SFU node with a publish ticket. The node
 * creates the transport and Producers and answers; the encoder then talks ICE/DTLS to the node.
 * Every call on the session (DELETE, PATCH) presents the key again.
 */
@Injectable()
export class WhipIngest {
  /** Offers being placed by this replica: one per broadcast, so a flood of them queues nothing. */
  private readonly placing = new Set<string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: StreamKeys,
    private readonly tickets: TicketsService,
    private readonly mediaKeys: MediaKeys,
    @Inject(STREAM_SESSIONS_CONFIG) private readonly config: StreamSessionsConfig,
  ) {}

  async offer(broadcastId: BroadcastId, streamKey: string | undefined, sdp: string): Promise<WhipOfferAnswer> {
    const b = await this.keys.authenticate(streamKey, broadcastId);
    if (this.placing.has(broadcastId)) throw new WhipBusyError();
    this.placing.add(broadcastId);
    try {
      const grant = await this.tickets.issue(broadcastId, b.owner_id, 'publish');
      const answer = await callNodeWhip('POST', nodeWhipUrl(grant.signallingUrl), grant.ticket, grant.nodeId, { body: sdp, contentType: 'application/sdp' });
      const nodeSessionId = answer.location?.split('/').pop() ?? '';
      const sessionId = whipSessionId({ nodeId: grant.nodeId, nodeSessionId });
      if (!readWhipSessionId(sessionId)) throw new SfuUnreachableError(grant.nodeId);
      return { sessionId, sdp: answer.body, etag: answer.etag };
    } finally {
      this.placing.delete(broadcastId);
    }
  }

  /** The encoder stops: its publisher leaves the room, as a browser closing its socket. */
  async stop(broadcastId: BroadcastId, streamKey: string | undefined, sessionId: string): Promise<void> {
    const b = await this.keys.authenticate(streamKey, broadcastId);
    await this.onNode(b, sessionId, 'DELETE');
  }

  /** ICE restart or trickled candidates (application/trickle-ice-sdpfrag), for a broadcast still publishable. */
  async patch(broadcastId: BroadcastId, streamKey: string | undefined, sessionId: string, request: NodeRequest): Promise<NodeAnswer> {
    const b = await this.keys.authenticate(streamKey, broadcastId);
    if (b.taken_down_at) throw new BroadcastTakenDownError();
    if (b.state !== 'created' && b.state !== 'live') throw new BroadcastOverError(b.state);
    await assertNotSuspended(this.dataSource, b.owner_id);
    return this.onNode(b, sessionId, 'PATCH', request);
  }

  /**
   * Forwards a call on a session to the node hosting it, found among the known SFU nodes (a
   * draining one included: it still hosts its sessions), with a fresh publish ticket for it.
   */
  private async onNode(b: BroadcastRow, sessionId: string, method: string, request: NodeRequest = {}): Promise<NodeAnswer> {
    const ref = readWhipSessionId(sessionId);
    if (!ref) throw new WhipSessionNotFoundError();
    const [node]: Array<{ signalling_url: string }> = await this.dataSource.query('SELECT signalling_url FROM sfu_node WHERE node_id = $1', [ref.nodeId]);
    if (!node) throw new WhipSessionNotFoundError();
    const audience = { ownerId: b.owner_id, visibility: b.visibility, ...(b.circle_id ? { circleId: b.circle_id } : {}) };
    const ticket = await signMediaTicket(
      { accountId: b.owner_id, broadcastId: b.id, role: 'publish', nodeId: ref.nodeId, audience },
      await this.mediaKeys.signingKey(),
      this.config.tickets.ttlSeconds,
    );
    return callNodeWhip(method, `${nodeWhipUrl(node.signalling_url)}/${ref.nodeSessionId}`, ticket, ref.nodeId, request);
  }
}
