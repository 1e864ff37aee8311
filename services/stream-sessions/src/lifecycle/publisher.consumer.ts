import { create } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import {
  BroadcastWentLiveEvent,
  BroadcastWentLiveSchema,
  PublisherJoinedEvent,
  PublisherLeftEvent,
  type PublisherJoined,
  type PublisherLeft,
} from '@onair/contracts';
import { NonRetriableEventError, OnEvent, Outbox, type KafkaEventContext } from '@onair/kafka';
import type { EntityManager } from 'typeorm';
import { findBroadcast, toInfo, type BroadcastId, type BroadcastRow } from '../broadcasts/broadcast-record.js';
import { RelayTree } from '../relay-tree/relay-tree.js';
import { STREAM_SESSIONS_CONFIG, type StreamSessionsConfig } from '../config.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The broadcast an SFU event names, locked; a malformed or unknown id goes to the DLQ. */
export async function lockedBroadcastOf(manager: EntityManager, broadcastId: string): Promise<BroadcastRow> {
  if (!UUID.test(broadcastId)) {
    throw new NonRetriableEventError('STREAM_SESSIONS.MALFORMED_EVENT', `broadcast_id "${broadcastId}" is not a uuid`);
  }
  const b = await findBroadcast(manager, broadcastId.toLowerCase() as BroadcastId, true);
  if (!b) throw new NonRetriableEventError('STREAM_SESSIONS.UNKNOWN_BROADCAST', `no broadcast ${broadcastId}`);
  return b;
}

export const eventTime = (at: Timestamp | undefined) => (at ? timestampDate(at) : new Date());

/**
 * The publisher's presence on the SFU drives the live part of the lifecycle: the first join
 * makes the broadcast live; a leave starts the grace period (auto_end_at, acted on by the
 * AutoEndSweeper); a rejoin within it cancels the deadline.
 */
@Controller()
export class PublisherConsumer {
  private readonly log = new Logger('PublisherConsumer');

  constructor(
    private readonly outbox: Outbox,
    private readonly tree: RelayTree,
    @Inject(STREAM_SESSIONS_CONFIG) private readonly config: StreamSessionsConfig,
  ) {}

  @OnEvent(PublisherJoinedEvent)
  async onJoined(@Payload() e: PublisherJoined, @Ctx() ctx: KafkaEventContext): Promise<void> {
    const b = await lockedBroadcastOf(ctx.manager, e.broadcastId);
    if (e.publisherId !== b.owner_id) {
      // Tickets let only the owner publish; a mismatch is an SFU bug, not a reason to go live.
      throw new NonRetriableEventError('STREAM_SESSIONS.NOT_OWNER', `publisher ${e.publisherId} does not own ${b.id}`);
    }
    if (b.state === 'live') {
      await ctx.manager.query('UPDATE broadcast SET sfu_node_id = $2, auto_end_at = NULL WHERE id = $1', [b.id, e.nodeId]);
      // The publisher moved (its node went): the relay tree re-forms under the new origin as
      // the viewers, whose relayed rooms lost their origin, ask for new tickets.
      if (b.sfu_node_id !== e.nodeId) await this.tree.clear(ctx.manager, b.id);
      return;
    }
    if (b.state !== 'created') return this.log.warn(`publisher joined ${b.id}, which is ${b.state}; ignored`);
    const startedAt = eventTime(e.at);
    const [[live]]: [BroadcastRow[]] = await ctx.manager.query(
      `UPDATE broadcast SET state = 'live', sfu_node_id = $2, started_at = $3, auto_end_at = NULL WHERE id = $1 RETURNING *`,
      [b.id, e.nodeId, startedAt],
    );
    await this.outbox.add(
      ctx.manager,
      BroadcastWentLiveEvent,
      create(BroadcastWentLiveSchema, {
        broadcastId: b.id,
        info: toInfo(live),
        sfuNodeId: e.nodeId,
        startedAt: timestampFromDate(startedAt),
      }),
    );
  }

  /** A leave from a node that no longer hosts the publisher (it moved) changes nothing. */
  @OnEvent(PublisherLeftEvent)
  async onLeft(@Payload() e: PublisherLeft, @Ctx() ctx: KafkaEventContext): Promise<void> {
    const b = await lockedBroadcastOf(ctx.manager, e.broadcastId);
    if (b.state !== 'live' || b.sfu_node_id !== e.nodeId) return;
    // The grace runs from the receipt, on the database clock the sweeper reads too.
    await ctx.manager.query(
      `UPDATE broadcast SET auto_end_at = now() + make_interval(secs => $2) WHERE id = $1 AND auto_end_at IS NULL`,
      [b.id, this.config.lifecycle.publisherGraceSeconds],
    );
  }
}
