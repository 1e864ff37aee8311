import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import {
  MuteReason,
  RoomSettingsChangedEvent,
  RoomSettingsChangedSchema,
  ViewerMutedEvent,
  ViewerMutedSchema,
  ViewerUnmutedEvent,
  ViewerUnmutedSchema,
} from '@onair/contracts';
import type { Outbox } from '@onair/kafka';
import type { DataSource, EntityManager } from 'typeorm';
import type { LocalRoom, RoomSocket } from '../delivery/local-room.js';
import { NotOwnerError } from '../socket/socket.errors.js';

/**
 * The broadcaster's moderation: mutes and the room's settings are stored (a pod that opens the
 * room later loads them) and announced on the room topic in the same transaction (outbox), so
 * every pod with sockets in the room applies them within moments.
 */
export class ModerationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  /** `seconds` undefined: for the rest of the broadcast. */
  async mute(room: LocalRoom, by: RoomSocket, accountId: string, seconds?: number): Promise<void> {
    assertOwner(by);
    await this.dataSource.transaction((manager) =>
      muteViewer(manager, this.outbox, room.broadcastId, accountId, seconds === undefined ? null : Date.now() + seconds * 1000, MuteReason.BROADCASTER),
    );
  }

  async unmute(room: LocalRoom, by: RoomSocket, accountId: string): Promise<void> {
    assertOwner(by);
    await this.dataSource.transaction(async (manager) => {
      const [removed]: [unknown[], number] = await manager.query('DELETE FROM chat_mute WHERE broadcast_id = $1 AND account_id = $2 RETURNING 1', [
        room.broadcastId,
        accountId,
      ]);
      if (removed.length > 0) await this.outbox.add(manager, ViewerUnmutedEvent, create(ViewerUnmutedSchema, { broadcastId: room.broadcastId, accountId }));
    });
  }

  /** Followers-only comments and flash juries, on or off; what is not given stays as it is. */
  async settings(room: LocalRoom, by: RoomSocket, change: { followersOnly?: boolean; juries?: boolean }): Promise<void> {
    assertOwner(by);
    await this.dataSource.transaction(async (manager) => {
      const [[row]]: [Array<{ followers_only: boolean; juries_enabled: boolean }>] = await manager.query(
        `UPDATE chat_room SET followers_only = coalesce($2, followers_only), juries_enabled = coalesce($3, juries_enabled)
          WHERE broadcast_id = $1 RETURNING followers_only, juries_enabled`,
        [room.broadcastId, change.followersOnly ?? null, change.juries ?? null],
      );
      await this.outbox.add(
        manager,
        RoomSettingsChangedEvent,
        create(RoomSettingsChangedSchema, { broadcastId: room.broadcastId, followersOnly: row.followers_only, juriesEnabled: row.juries_enabled }),
      );
    });
  }
}

function assertOwner(socket: RoomSocket): void {
  if (!socket.owner) throw new NotOwnerError();
}

/** Stores a mute (`until` null: the rest of the broadcast) and announces it, in the caller's transaction. */
export async function muteViewer(manager: EntityManager, outbox: Outbox, broadcastId: string, accountId: string, until: number | null, reason: MuteReason): Promise<void> {
  await manager.query(
    `INSERT INTO chat_mute (broadcast_id, account_id, until, reason) VALUES ($1, $2, $3, $4)
     ON CONFLICT (broadcast_id, account_id) DO UPDATE SET until = excluded.until, reason = excluded.reason`,
    [broadcastId, accountId, until === null ? null : new Date(until), MuteReason[reason].toLowerCase()],
  );
  await outbox.add(
    manager,
    ViewerMutedEvent,
    create(ViewerMutedSchema, { broadcastId, accountId, reason, ...(until === null ? {} : { until: timestampFromMs(until) }) }),
  );
}
