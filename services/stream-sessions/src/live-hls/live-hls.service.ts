import { Inject, Injectable } from '@nestjs/common';
import type { ReplayReader } from '@onair/replay-store';
import { text } from 'node:stream/consumers';
import type { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { AudiencePolicy } from '../admission/audience-policy.js';
import { findBroadcast, type AccountId, type BroadcastId, type BroadcastRow } from '../broadcasts/broadcast-record.js';
import { BroadcastNotFoundError } from '../broadcasts/broadcast.errors.js';
import { REPLAY_STORE } from '../replays/replay-store.token.js';
import { BroadcastTakenDownError } from '../takedowns/takedown.errors.js';
import { LiveHlsEndedError, LiveHlsFileNotFoundError, LiveHlsNotStartedError } from './live-hls.errors.js';
import { ExpiringMap } from './expiring-map.js';
import { asLivePlaylist } from './live-playlist.js';

/**
 * How stale a live audience's answers may be. A broadcast's audience asks every ~2 s per viewer
 * (playlist, then each new segment): its row is read once a second, and a viewer's admission
 * (a social-graph call) once per 5 s. So the end, a takedown, a block or an unfollow reaches
 * HLS viewers within those times, as it reaches WebRTC viewers within seconds too.
 */
const ROW_TTL_MS = 1000;
const ADMISSION_TTL_MS = 5000;
const MAX_ENTRIES = 100_000;

export interface LiveFile<T> {
  body: T;
  /** Whether anyone may watch (shared caches may keep it). */
  isPublic: boolean;
}

/** The live HLS of a broadcast: the recording's files, while the broadcast is live, to its audience. */
@Injectable()
export class LiveHlsService {
  private readonly rows = new ExpiringMap<BroadcastId, Promise<BroadcastRow | undefined>>(ROW_TTL_MS, MAX_ENTRIES);
  private readonly admissions = new ExpiringMap<string, Promise<void>>(ADMISSION_TTL_MS, MAX_ENTRIES);

  constructor(
    private readonly dataSource: DataSource,
    private readonly audience: AudiencePolicy,
    @Inject(REPLAY_STORE) private readonly store: ReplayReader,
  ) {}

  async playlist(id: BroadcastId, viewer: AccountId): Promise<LiveFile<string>> {
    const { stream, isPublic } = await this.open(id, 'index.m3u8', viewer);
    return { body: asLivePlaylist(await text(stream)), isPublic };
  }

  /** `name` passed isReplayFileName: the store builds the path from it. */
  async segment(id: BroadcastId, name: string, viewer: AccountId): Promise<LiveFile<{ stream: Readable; size: number }>> {
    const { stream, size, isPublic } = await this.open(id, name, viewer);
    return { body: { stream, size }, isPublic };
  }

  private async open(id: BroadcastId, name: string, viewer: AccountId) {
    const b = await this.rows.getOrSet(id, () => findBroadcast(this.dataSource, id));
    if (!b) throw new BroadcastNotFoundError();
    if (b.taken_down_at) throw new BroadcastTakenDownError();
    await this.admit(b, viewer);
    if (b.state === 'created') throw new LiveHlsNotStartedError();
    if (b.state !== 'live') throw new LiveHlsEndedError(b.state);
    const found = await this.store.open(b.id, name);
    if (!found) throw new LiveHlsFileNotFoundError();
    return { ...found, isPublic: b.visibility === 'public' };
  }

  /** The audience policy's answer; only an admission is remembered (a refusal may change with a follow). */
  private async admit(b: BroadcastRow, viewer: AccountId): Promise<void> {
    const key = `${b.id}/${viewer}`;
    const admitted = this.admissions.getOrSet(key, () => this.audience.assertMayWatch(b, viewer));
    await admitted.catch((err: unknown) => {
      this.admissions.delete(key);
      throw err;
    });
  }
}
