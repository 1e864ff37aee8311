import { Logger } from '@nestjs/common';
import { decodeEvent, Header } from '@onair/kafka';
import { losesAdmission, type AdmissionChange } from '@onair/media-tickets';
import { meter } from '@onair/telemetry';
import type { DataSource } from 'typeorm';
import { BroadcastEndedChatError, RoomNotLiveError } from '../socket/socket.errors.js';
import { frame } from '../socket/chat-protocol.js';
import { LocalRoom, type RoomSocket } from './local-room.js';
import type { FeedRecord, PartitionFeeds } from './partition-feeds.js';
import { applyRoomEvent, emptyBatch, ROOM_EVENTS, type RoomBatch } from './room-events.js';

interface RoomRow {
  owner_id: string;
  state: 'live' | 'ended';
  started_at: Date;
  followers_only: boolean;
  juries_enabled: boolean;
}

/** How long a socket waits for chat to learn that its broadcast went live (stream-sessions' event). */
const ROOM_WAIT_MS = 5000;

export interface LocalRoomsOptions {
  podId: string;
  openCommenters: number;
  partitionOf(broadcastId: string): number;
  /** The `state` frame of one socket (what it may do now). */
  stateFrame(room: LocalRoom, socket: RoomSocket): string;
  /** A jury started: who of this room's sockets on this pod is called. */
  onJury(room: LocalRoom, juryId: string): void;
}

/**
 * The rooms with sockets on this pod. A room opens with its first socket (state loaded from
 * PostgreSQL, its partition's feed started) and closes with its last; in between, the room
 * topic's events update it and reach its sockets, several events in one frame per socket.
 */
export class LocalRooms {
  private readonly log = new Logger('LocalRooms');
  private readonly rooms = new Map<string, LocalRoom>();
  private readonly opening = new Map<string, Promise<LocalRoom>>();
  /** Broadcasts seen ending (the latest ones): a ticket still valid cannot reopen their room. */
  private readonly ended = new Set<string>();
  private readonly byType = new Map(ROOM_EVENTS.map((e) => [e.name, e]));
  feeds?: PartitionFeeds;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: LocalRoomsOptions,
  ) {
    const m = meter('chat');
    m.createObservableGauge('chat_rooms', { description: 'rooms with sockets on this pod' }).addCallback((r) => r.observe(this.rooms.size));
    m.createObservableGauge('chat_sockets', { description: 'chat sockets on this pod' }).addCallback((r) => r.observe(this.all.reduce((n, room) => n + room.sockets.size, 0)));
  }

  get all(): LocalRoom[] {
    return [...this.rooms.values()];
  }

  get(broadcastId: string): LocalRoom | undefined {
    return this.rooms.get(broadcastId);
  }

  /** The room (opened if it is the first socket here); refuses an ended broadcast. */
  async open(broadcastId: string): Promise<LocalRoom> {
    if (this.ended.has(broadcastId)) throw new BroadcastEndedChatError();
    const room = this.rooms.get(broadcastId);
    if (room && !room.ended) return room;
    let opening = this.opening.get(broadcastId);
    if (!opening) {
      opening = this.load(broadcastId).finally(() => this.opening.delete(broadcastId));
      this.opening.set(broadcastId, opening);
    }
    return opening;
  }

  join(room: LocalRoom, socket: RoomSocket): void {
    room.sockets.add(socket);
  }

  leave(room: LocalRoom, socket: RoomSocket): void {
    room.sockets.delete(socket);
    if (room.sockets.size > 0 || this.rooms.get(room.broadcastId) !== room) return;
    this.rooms.delete(room.broadcastId);
    if (!this.all.some((r) => r.partition === room.partition)) void this.feeds?.release(room.partition);
  }

  /** A batch from one partition: each room's events applied in order, then its frames sent. */
  async deliver(records: FeedRecord[]): Promise<void> {
    const batches = new Map<LocalRoom, RoomBatch>();
    for (const record of records) {
      const room = record.key ? this.rooms.get(record.key) : undefined;
      const descriptor = this.byType.get(record.headers[Header.type] ?? '');
      if (!room || !descriptor) continue;
      let message: unknown;
      try {
        message = decodeEvent(descriptor, record.value);
      } catch (err) {
        this.log.error(`undecodable ${descriptor.name} ${record.headers[Header.id]} skipped: ${(err as Error).message}`);
        continue;
      }
      const batch = batches.get(room) ?? emptyBatch();
      batches.set(room, batch);
      applyRoomEvent(room, descriptor, message, batch);
    }
    for (const [room, batch] of batches) this.flush(room, batch);
  }

  /** broadcast.ended.v1: every socket is told and closed; the room refuses newcomers. */
  end(broadcastId: string): void {
    this.ended.add(broadcastId);
    for (const oldest of this.ended) {
      if (this.ended.size <= 10_000) break;
      this.ended.delete(oldest);
    }
    const room = this.rooms.get(broadcastId);
    if (!room) return;
    room.ended = true;
    for (const socket of room.sockets) socket.close(1000, 'CHAT.BROADCAST_ENDED');
  }

  /** A block (or an unfollow, a circle left) takes viewers out of a room: their sockets close. */
  revokeAdmission(change: AdmissionChange): void {
    for (const room of this.rooms.values()) {
      for (const socket of room.sockets) {
        if (losesAdmission(socket.ticket.audience, socket.ticket.accountId, change)) socket.close(4403, 'CHAT.ADMISSION_REVOKED');
      }
    }
  }

  /** The account's sockets in every room here, `farewell` sent first (an operator suspended it). */
  closeAccount(accountId: string, code: number, reason: string, farewell: string): void {
    for (const room of this.rooms.values()) {
      for (const socket of room.socketsOf(accountId)) {
        socket.send(farewell);
        socket.close(code, reason);
      }
    }
  }

  private flush(room: LocalRoom, batch: RoomBatch): void {
    if (batch.messages.length > 0) room.broadcast(frame('messages', { items: batch.messages }));
    if (batch.taps > 0) room.broadcast(frame('hearts', { taps: batch.taps }));
    if (batch.stateChanged) for (const socket of room.sockets) socket.send(this.options.stateFrame(room, socket));
    for (const jury of batch.juries) this.options.onJury(room, jury.juryId);
    for (const { accountId, until } of batch.muteEnds) {
      setTimeout(() => {
        if (!room.isMuted(accountId)) for (const socket of room.socketsOf(accountId)) socket.send(this.options.stateFrame(room, socket));
      }, Math.max(0, until - Date.now()) + 50).unref();
    }
  }

  private async load(broadcastId: string): Promise<LocalRoom> {
    const row = await this.waitForRoom(broadcastId);
    if (row.state === 'ended') throw new BroadcastEndedChatError();
    const partition = this.options.partitionOf(broadcastId);
    const room = new LocalRoom(broadcastId, row.owner_id, row.started_at, partition);
    room.followersOnly = row.followers_only;
    room.juriesEnabled = row.juries_enabled;
    // The feed first: whatever the room topic says from now on reaches the room, and the state
    // read below is at least as new as what the feed starts after.
    await this.feeds?.want(partition);
    const mutes: Array<{ account_id: string; until: Date | null }> = await this.dataSource.query(
      'SELECT account_id, until FROM chat_mute WHERE broadcast_id = $1 AND (until IS NULL OR until > now())',
      [broadcastId],
    );
    for (const m of mutes) room.mutes.set(m.account_id, m.until ? m.until.getTime() : Infinity);
    const commenters: Array<{ account_id: string }> = await this.dataSource.query('SELECT account_id FROM chat_commenter WHERE broadcast_id = $1', [broadcastId]);
    for (const c of commenters) room.commenters.add(c.account_id);
    room.commentersFull = commenters.length >= this.options.openCommenters;
    const existing = this.rooms.get(broadcastId);
    if (existing && !existing.ended) return existing;
    this.rooms.set(broadcastId, room);
    return room;
  }

  private async waitForRoom(broadcastId: string): Promise<RoomRow> {
    const deadline = Date.now() + ROOM_WAIT_MS;
    for (;;) {
      const [row]: RoomRow[] = await this.dataSource.query(
        'SELECT owner_id, state, started_at, followers_only, juries_enabled FROM chat_room WHERE broadcast_id = $1',
        [broadcastId],
      );
      if (row) return row;
      if (Date.now() > deadline) throw new RoomNotLiveError();
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
