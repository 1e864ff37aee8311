import { Logger } from '@nestjs/common';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import { PresenceReportedEvent } from '@onair/contracts';
import type { EventPublisher } from '@onair/kafka';
import type { LocalRooms } from '../delivery/local-rooms.js';
import type { LocalRoom } from '../delivery/local-room.js';
import { frame } from '../socket/chat-protocol.js';

/** How many of a pod's active accounts a report names (where flash juries find jurors). */
const ACTIVE_SAMPLE = 20;

/**
 * Presence across pods: every interval this pod reports each room it has sockets in (and a last
 * zero for a room it no longer has), every pod with sockets in the room adds the reports up,
 * and its sockets get the room's counts (joined, watching) when they changed.
 */
export class PresenceReporter {
  private readonly log = new Logger('PresenceReporter');
  private timer?: NodeJS.Timeout;
  private reported = new Set<string>();
  private readonly lastSent = new Map<LocalRoom, string>();

  constructor(
    private readonly rooms: LocalRooms,
    private readonly publisher: EventPublisher,
    private readonly podId: string,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The room's counts to its sockets here, if they changed since the last time (or `force`). */
  sendCounts(room: LocalRoom, force = false): void {
    const counts = frame('presence', room.totals(this.podId));
    if (!force && this.lastSent.get(room) === counts) return;
    this.lastSent.set(room, counts);
    room.broadcast(counts);
  }

  private async tick(): Promise<void> {
    const now = new Set<string>();
    for (const room of this.rooms.all) {
      now.add(room.broadcastId);
      const sockets = [...room.sockets];
      const active = [...new Set(sockets.map((s) => s.ticket.accountId))].sort(() => Math.random() - 0.5).slice(0, ACTIVE_SAMPLE);
      this.report(room.broadcastId, sockets.length, sockets.filter((s) => s.watching).length, active);
      this.sendCounts(room);
    }
    for (const gone of this.reported) if (!now.has(gone)) this.report(gone, 0, 0, []);
    this.reported = now;
    for (const room of this.lastSent.keys()) if (!room.sockets.size) this.lastSent.delete(room);
  }

  private report(broadcastId: string, joined: number, watching: number, activeAccountIds: string[]): void {
    this.publisher
      .publish(PresenceReportedEvent, { broadcastId, podId: this.podId, joined, watching, activeAccountIds, at: timestampNow() })
      .catch((err: Error) => this.log.warn(`presence of ${broadcastId} not reported: ${err.message}`));
  }
}
