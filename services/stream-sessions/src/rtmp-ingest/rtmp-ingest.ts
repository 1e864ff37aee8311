import { Injectable } from '@nestjs/common';
import { TicketsService } from '../admission/tickets.service.js';
import type { BroadcastId } from '../broadcasts/broadcast-record.js';
import { StreamKeys } from '../stream-keys/stream-keys.js';
import { RtmpBusyError } from './rtmp-ingest.errors.js';

export interface RtmpPublishGrant {
  broadcastId: BroadcastId;
  /** Single-use publish ticket for `nodeId`, presented to its plain-publish endpoint. */
  ticket: string;
  nodeId: string;
  /** The node's plain-publish endpoint (http(s)), derived from its signalling URL as WHIP's is. */
  plainPublishUrl: string;
  expiresAt: string;
}

/**
 * The node's plain-publish endpoint, beside its signalling socket and WHIP endpoint: the same
 * host and the same exposure. ws://h/v1/sfu/signal → http://h/v1/sfu/plain-publish.
 */
export function nodePlainPublishUrl(signallingUrl: string): string {
  const url = new URL('plain-publish', signallingUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  url.search = '';
  return url.toString();
}

/**
 * RTMP ingest, stream-sessions' part: the SFU node an encoder's RTMP connection landed on
 * presents the stream key (the RTMP stream name) here when the encoder says `publish`. The key
 * is checked first (401 for wrong or rotated keys, which the node turns into a refused publish),
 * then the publisher is placed exactly as a publish ticket is (TicketsService: suspension,
 * takedown, over, the broadcast's node or the least loaded). The answer names the placed node,
 * maybe another than the caller: the caller sends the media there through a PlainTransport.
 * Holding the key already lets one publish (over WHIP), so the ticket it buys gives nothing more.
 */
@Injectable()
export class RtmpIngest {
  /** Publishers being placed by this replica: one per broadcast, as WhipIngest. */
  private readonly placing = new Set<string>();

  constructor(
    private readonly keys: StreamKeys,
    private readonly tickets: TicketsService,
  ) {}

  async grant(broadcastId: BroadcastId, streamKey: string | undefined): Promise<RtmpPublishGrant> {
    const b = await this.keys.authenticate(streamKey, broadcastId);
    if (this.placing.has(broadcastId)) throw new RtmpBusyError();
    this.placing.add(broadcastId);
    try {
      const grant = await this.tickets.issue(broadcastId, b.owner_id, 'publish');
      return { broadcastId, ticket: grant.ticket, nodeId: grant.nodeId, plainPublishUrl: nodePlainPublishUrl(grant.signallingUrl), expiresAt: grant.expiresAt };
    } finally {
      this.placing.delete(broadcastId);
    }
  }
}
