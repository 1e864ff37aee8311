import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { AudiencePolicy } from '../admission/audience-policy.js';
import { findBroadcast, type AccountId, type BroadcastId } from '../broadcasts/broadcast-record.js';
import { BroadcastNotFoundError } from '../broadcasts/broadcast.errors.js';
import { ReplayExpiredError, ReplayFileNotFoundError, ReplayNotReadyError } from './replay.errors.js';
import type { ReplayReader } from '@onair/replay-store';
import { REPLAY_STORE } from './replay-store.token.js';

@Injectable()
export class ReplaysService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audience: AudiencePolicy,
    @Inject(REPLAY_STORE) private readonly store: ReplayReader,
  ) {}

  /**
   * A file of the replay for someone the live audience rules admit. The expiry is checked
   * against the clock, not only the state: the replay is gone exactly at `replay_expires_at`,
   * whether or not the sweeper has deleted the files yet.
   */
  async open(id: BroadcastId, file: string, viewer: AccountId): Promise<{ stream: Readable; size: number; expiresAt: Date }> {
    const b = await findBroadcast(this.dataSource, id);
    if (!b) throw new BroadcastNotFoundError();
    await this.audience.assertMayWatch(b, viewer);
    if (b.state === 'expired' || (b.replay_expires_at && b.replay_expires_at.getTime() <= Date.now())) throw new ReplayExpiredError();
    if (b.state !== 'replay_ready') throw new ReplayNotReadyError(b.state);
    const found = await this.store.open(b.id, file);
    if (!found) throw new ReplayFileNotFoundError();
    return { ...found, expiresAt: b.replay_expires_at! };
  }
}
