import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { findBroadcast, type AccountId, type BroadcastId, type BroadcastRow } from '../broadcasts/broadcast-record.js';
import { BroadcastNotFoundError, NotOwnerError } from '../broadcasts/broadcast.errors.js';
import { BroadcastOverError } from '../admission/admission.errors.js';
import { STREAM_SESSIONS_CONFIG, type StreamSessionsConfig } from '../config.js';
import { BroadcastTakenDownError } from '../takedowns/takedown.errors.js';
import { StreamKeyInvalidError } from './stream-key.errors.js';
import { broadcastOfKey, keyMatches, newStreamKey } from './stream-key.js';

/** What the owner sees of a key; `streamKey` only in the answer that issued it. */
export interface StreamKeyView {
  broadcastId: BroadcastId;
  /** Path of the broadcast's WHIP endpoint on the edge (the owner's client adds its origin). */
  whipPath: string;
  /** The RTMP server URL encoders push to with the key as stream name (STREAM_SESSIONS_RTMP_URL); null when none is configured. */
  rtmpUrl: string | null;
  issued: boolean;
  issuedAt: string | null;
  /** The key's last 4 characters. */
  hint: string | null;
  streamKey?: string;
}

/**
 * Stream keys: the per-broadcast secret an encoder (OBS over WHIP, any encoder over RTMP) presents
 * instead of the owner's session. Only a SHA-256 is stored, so the key is shown once, when issued;
 * losing it means rotating. Rotation replaces the stored digest in one statement: the old key is
 * refused from that commit on, on every replica.
 */
@Injectable()
export class StreamKeys {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(STREAM_SESSIONS_CONFIG) private readonly config: StreamSessionsConfig,
  ) {}

  async describe(broadcastId: BroadcastId, account: AccountId): Promise<StreamKeyView> {
    await this.ownBroadcast(broadcastId, account);
    const [row]: Array<{ hint: string; issued_at: Date }> = await this.dataSource.query(
      'SELECT hint, issued_at FROM stream_key WHERE broadcast_id = $1',
      [broadcastId],
    );
    return { ...this.viewBase(broadcastId), issued: Boolean(row), issuedAt: row?.issued_at.toISOString() ?? null, hint: row?.hint ?? null };
  }

  /** A new key for the broadcast (its first, or replacing the current one), shown this once. */
  async rotate(broadcastId: BroadcastId, account: AccountId): Promise<StreamKeyView> {
    const b = await this.ownBroadcast(broadcastId, account);
    if (b.taken_down_at) throw new BroadcastTakenDownError();
    if (b.state !== 'created' && b.state !== 'live') throw new BroadcastOverError(b.state);
    const { key, sha256, hint } = newStreamKey(broadcastId);
    const [row]: Array<{ issued_at: Date }> = await this.dataSource.query(
      `INSERT INTO stream_key (broadcast_id, key_sha256, hint) VALUES ($1, $2, $3)
       ON CONFLICT (broadcast_id) DO UPDATE SET key_sha256 = excluded.key_sha256, hint = excluded.hint, issued_at = now()
       RETURNING issued_at`,
      [broadcastId, sha256, hint],
    );
    return { ...this.viewBase(broadcastId), issued: true, issuedAt: row.issued_at.toISOString(), hint, streamKey: key };
  }

  /**
   * The broadcast a presented key opens, checked against `broadcastId` when the ingest's URL names
   * one (WHIP), else read from the key itself (what an RTMP ingest, which only has the key, calls).
   * Whether that broadcast may be published (owner suspended, taken down, over) is the caller's
   * next check, as for a publish ticket.
   */
  async authenticate(presented: string | undefined, broadcastId?: BroadcastId): Promise<BroadcastRow> {
    const named = presented ? broadcastOfKey(presented) : undefined;
    if (!presented || !named || (broadcastId && named !== broadcastId)) throw new StreamKeyInvalidError();
    const [row]: Array<{ key_sha256: Buffer }> = await this.dataSource.query('SELECT key_sha256 FROM stream_key WHERE broadcast_id = $1', [named]);
    if (!row || !keyMatches(presented, row.key_sha256)) throw new StreamKeyInvalidError();
    const b = await findBroadcast(this.dataSource, named as BroadcastId);
    if (!b) throw new StreamKeyInvalidError();
    return b;
  }

  private viewBase(broadcastId: BroadcastId) {
    return { broadcastId, whipPath: `/v1/broadcasts/${broadcastId}/whip`, rtmpUrl: this.config.rtmp.url };
  }

  private async ownBroadcast(broadcastId: BroadcastId, account: AccountId): Promise<BroadcastRow> {
    const b = await findBroadcast(this.dataSource, broadcastId);
    if (!b) throw new BroadcastNotFoundError();
    if (b.owner_id !== account) throw new NotOwnerError();
    return b;
  }
}
