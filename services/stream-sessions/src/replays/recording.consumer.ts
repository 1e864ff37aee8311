import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { RecordingFinishedEvent, type RecordingFinished } from '@onair/contracts';
import { OnEvent, type KafkaEventContext } from '@onair/kafka';
import type { BroadcastRow } from '../broadcasts/broadcast-record.js';
import { BroadcastTransitions } from '../broadcasts/broadcast-transitions.js';
import { lockedBroadcastOf } from '../lifecycle/publisher.consumer.js';
import type { ReplayReader } from '@onair/replay-store';
import { REPLAY_STORE } from './replay-store.token.js';

/**
 * The recording may finish before the broadcast ends (the SFU finalises it when the publisher
 * leaves, the end comes after the grace): it is then kept on the row, and the end moves the
 * broadcast straight on to replay_ready. After the end it moves it there itself.
 */
@Controller()
export class RecordingConsumer {
  constructor(
    private readonly transitions: BroadcastTransitions,
    @Inject(REPLAY_STORE) private readonly store: ReplayReader,
  ) {}

  @OnEvent(RecordingFinishedEvent)
  async onRecordingFinished(@Payload() e: RecordingFinished, @Ctx() ctx: KafkaEventContext): Promise<void> {
    const b = await lockedBroadcastOf(ctx.manager, e.broadcastId);
    // Too late: the replay's lifetime is over; what the SFU wrote must not outlive it.
    if (b.state === 'expired') return this.store.remove(b.id);
    const [[row]]: [BroadcastRow[]] = await ctx.manager.query(
      `UPDATE broadcast
          SET recording_playlist = $2, recording_duration_ms = $3, recording_segments = $4,
              state = CASE WHEN state = 'ended' THEN 'replay_ready' ELSE state END
        WHERE id = $1
    RETURNING *`,
      [b.id, e.playlist || `${b.id}/index.m3u8`, e.durationMs.toString(), e.segments],
    );
    if (b.state === 'ended') await this.transitions.announceReplay(ctx.manager, row);
  }
}
