import { Inject, Injectable } from '@nestjs/common';
import { signChatTicket, signMediaTicket } from '@onair/media-tickets';
import { SocialGraphClient } from '@onair/social-graph-client';
import { DataSource } from 'typeorm';
import { findBroadcast, type AccountId, type BroadcastId, type BroadcastRow } from '../broadcasts/broadcast-record.js';
import { BroadcastNotFoundError } from '../broadcasts/broadcast.errors.js';
import { STREAM_SESSIONS_CONFIG, type StreamSessionsConfig } from '../config.js';
import { assertNotSuspended } from '../suspensions/account-suspension.js';
import { BroadcastTakenDownError } from '../takedowns/takedown.errors.js';
import { RelayTree, type AvoidedNodes, type ViewerPlacement } from '../relay-tree/relay-tree.js';
import { SfuNodes, type SfuNode } from '../sfu-nodes/sfu-nodes.js';
import {
  BroadcastNotLiveError,
  BroadcastOverError,
  NoSfuAvailableError,
  PublishNotAllowedError,
} from './admission.errors.js';
import { AudiencePolicy } from './audience-policy.js';
import { MediaKeys } from './media-keys.js';

export type TicketRole = 'publish' | 'consume';

export interface IssuedTicket {
  ticket: string;
  role: TicketRole;
  broadcastId: BroadcastId;
  nodeId: string;
  signallingUrl: string;
  expiresAt: string;
}

export interface IssuedChatTicket {
  ticket: string;
  role: 'chat';
  broadcastId: BroadcastId;
  expiresAt: string;
}

/**
 * Admission: the one place that decides who may publish or watch, answered with a short-lived
 * media ticket the SFU verifies locally. Publish: the owner, while created or live and not
 * suspended. Consume: whoever the audience policy admits, while live, on the node hosting the
 * publisher while it has room, else on another node that the ticket tells to relay the
 * broadcast from it.
 */
@Injectable()
export class TicketsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audience: AudiencePolicy,
    private readonly nodes: SfuNodes,
    private readonly tree: RelayTree,
    private readonly keys: MediaKeys,
    private readonly graph: SocialGraphClient,
    @Inject(STREAM_SESSIONS_CONFIG) private readonly config: StreamSessionsConfig,
  ) {}

  /**
   * `avoid`: nodes the caller could not use moments ago (unreachable, full, draining, or their
   * relay failed), not chosen for it while their load reports have not said so yet. A hint that
   * only steers the caller's own placement.
   * `operatorPreview`: the caller holds the operator role and asks to watch: any broadcast of any
   * visibility is admitted (the ops console's watch preview of what is reported); whether it is
   * live is still checked. Only viewer tickets: an operator's chat ticket keeps the audience rules.
   */
  async issue(broadcastId: BroadcastId, account: AccountId, role: TicketRole, avoid: AvoidedNodes = new Set(), operatorPreview = false): Promise<IssuedTicket> {
    const b = await findBroadcast(this.dataSource, broadcastId);
    if (!b) throw new BroadcastNotFoundError();
    if (b.taken_down_at) throw new BroadcastTakenDownError();
    const { node, relayFrom }: ViewerPlacement =
      role === 'publish' ? { node: await this.publishNode(b, account, avoid) } : await this.consumeNode(b, account, avoid, operatorPreview);
    const ttl = this.config.tickets.ttlSeconds;
    const expiresAt = new Date(Date.now() + ttl * 1000);
    // The audience travels with the ticket: the SFU takes a viewer's media away when the owner
    // later blocks them or they leave the followers or the circle (social-graph's events).
    const audience = { ownerId: b.owner_id, visibility: b.visibility, ...(b.circle_id ? { circleId: b.circle_id } : {}) };
    const ticket = await signMediaTicket(
      { accountId: account, broadcastId, role, nodeId: node.nodeId, relayFrom, audience },
      await this.keys.signingKey(),
      ttl,
    );
    return { ticket, role, broadcastId, nodeId: node.nodeId, signallingUrl: node.signallingUrl, expiresAt: expiresAt.toISOString() };
  }

  /**
   * A chat ticket: the same audience checks as watching, for a live broadcast (its chat) or an
   * ended one whose replay is not gone yet (the chat replay). It names no SFU node; it carries
   * the handle shown with the account's messages and whether it follows the broadcaster (who may
   * write in a crowded room, or in followers-only mode).
   */
  async issueChat(broadcastId: BroadcastId, account: AccountId, handle: string): Promise<IssuedChatTicket> {
    const b = await findBroadcast(this.dataSource, broadcastId);
    if (!b) throw new BroadcastNotFoundError();
    if (b.taken_down_at) throw new BroadcastTakenDownError();
    await this.audience.assertMayWatch(b, account);
    if (b.state !== 'live' && b.state !== 'ended' && b.state !== 'replay_ready') throw new BroadcastNotLiveError(b.state);
    const followsOwner = account !== b.owner_id && (await this.graph.isFollowing(account, b.owner_id));
    const ttl = this.config.tickets.ttlSeconds;
    const audience = { ownerId: b.owner_id, visibility: b.visibility, ...(b.circle_id ? { circleId: b.circle_id } : {}) };
    const ticket = await signChatTicket({ accountId: account, handle, broadcastId, audience, followsOwner }, await this.keys.signingKey(), ttl);
    return { ticket, role: 'chat', broadcastId, expiresAt: new Date(Date.now() + ttl * 1000).toISOString() };
  }

  /** The node already hosting the publisher (a rejoin) unless avoided, else the least-loaded one. */
  private async publishNode(b: BroadcastRow, account: AccountId, avoid: AvoidedNodes): Promise<SfuNode> {
    if (account !== b.owner_id) throw new PublishNotAllowedError();
    if (b.state !== 'created' && b.state !== 'live') throw new BroadcastOverError(b.state);
    // A broadcast created just before its owner's suspension was applied never gets its publisher.
    await assertNotSuspended(this.dataSource, account);
    const current = b.sfu_node_id && !avoid.has(b.sfu_node_id) ? await this.nodes.find(b.sfu_node_id) : undefined;
    const node = current || (await this.nodes.leastLoaded(avoid));
    if (!node) throw new NoSfuAvailableError();
    return node;
  }

  /** A node of the broadcast's relay tree with room (the origin first); see RelayTree. */
  private async consumeNode(b: BroadcastRow, account: AccountId, avoid: AvoidedNodes, operatorPreview: boolean): Promise<ViewerPlacement> {
    if (!operatorPreview) await this.audience.assertMayWatch(b, account);
    if (b.state !== 'live' || !b.sfu_node_id) throw new BroadcastNotLiveError(b.state);
    // Without a fresh origin there is nothing to watch or relay from, whatever other nodes exist.
    const placement = await this.tree.placeViewer(b.id, b.sfu_node_id, avoid);
    if (!placement) throw new NoSfuAvailableError();
    return placement;
  }
}
