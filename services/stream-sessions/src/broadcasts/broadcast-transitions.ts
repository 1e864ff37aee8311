import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Inject, Injectable } from '@nestjs/common';
import {
  BroadcastEndedEvent,
  BroadcastEndedSchema,
  BroadcastEndReason,
  BroadcastReplayReadyEvent,
  BroadcastReplayReadySchema,
} from '@onair/contracts';
import { Outbox } from '@onair/kafka';
import type { EntityManager } from 'typeorm';
import { STREAM_SESSIONS_CONFIG, type StreamSessionsConfig } from '../config.js';
import type { BroadcastRow, EndReason } from './broadcast-record.js';

const END_REASON: Record<EndReason, BroadcastEndReason> = {
  owner: BroadcastEndReason.OWNER,
  publisher_gone: BroadcastEndReason.PUBLISHER_GONE,
  taken_down: BroadcastEndReason.TAKEN_DOWN,
};

/**
 * The transitions more than one feature makes (the owner's end and the auto-end sweeper; the
 * end and a recording that finishes): each writes the row and its events in the caller's
 * transaction, on a row the caller locked.
 */
@Injectable()
export class BroadcastTransitions {
  constructor(
    private readonly outbox: Outbox,
    @Inject(STREAM_SESSIONS_CONFIG) private readonly config: StreamSessionsConfig,
  ) {}

  /**
   * created|live → ended, and on to replay_ready at once when the recording already finished
   * (the SFU may finalise it before the publisher-gone deadline passes). The replay's
   * expiry is fixed here: exactly the TTL after the end. A takedown stops at ended: its
   * recording never becomes a replay (the caller expires the broadcast next).
   */
  async end(manager: EntityManager, b: BroadcastRow, reason: EndReason): Promise<BroadcastRow> {
    const [[ended]]: [BroadcastRow[]] = await manager.query(
      `UPDATE broadcast
          SET state = CASE WHEN recording_playlist IS NULL OR $2::text = 'taken_down' THEN 'ended' ELSE 'replay_ready' END,
              ended_at = now(), end_reason = $2, auto_end_at = NULL, viewers_now = 0, stats_dirty = false,
              replay_expires_at = now() + make_interval(secs => $3)
        WHERE id = $1
    RETURNING *`,
      [b.id, reason, this.config.replays.ttlSeconds],
    );
    await manager.query('DELETE FROM broadcast_audience WHERE broadcast_id = $1', [b.id]);
    await this.outbox.add(
      manager,
      BroadcastEndedEvent,
      create(BroadcastEndedSchema, {
        broadcastId: b.id,
        ownerId: b.owner_id,
        reason: END_REASON[reason],
        endedAt: timestampFromDate(ended.ended_at!),
      }),
    );
    if (ended.state === 'replay_ready') await this.announceReplay(manager, ended);
    return ended;
  }

  /** BroadcastReplayReady for a row already in replay_ready. */
  async announceReplay(manager: EntityManager, b: BroadcastRow): Promise<void> {
    await this.outbox.add(
      manager,
      BroadcastReplayReadyEvent,
      create(BroadcastReplayReadySchema, {
        broadcastId: b.id,
        ownerId: b.owner_id,
        durationMs: BigInt(b.recording_duration_ms ?? 0),
        expiresAt: timestampFromDate(b.replay_expires_at!),
      }),
    );
  }
}
