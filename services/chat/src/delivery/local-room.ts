import type { VerifiedChatTicket } from '@onair/media-tickets';

/** What a room's sockets need of a connection: where frames go, and who is behind it. */
export interface RoomSocket {
  readonly ticket: VerifiedChatTicket;
  readonly owner: boolean;
  watching: boolean;
  send(frame: string): void;
  close(code: number, reason: string): void;
}

export interface RecentMessage {
  messageId: string;
  authorId: string;
  authorHandle: string;
  text: string;
}

export interface Jury {
  juryId: string;
  messageId: string;
  authorId: string;
  jurors: string[];
  deadline: number;
  votes: Map<string, boolean>;
  decided: boolean;
}

/** Presence of one pod in this room, as its last report said. */
interface PodPresence {
  joined: number;
  watching: number;
  active: string[];
  at: number;
}

const RECENT_MESSAGES = 200;
const PRESENCE_STALE_MS = 3 * 2000 + 1000;

/**
 * A broadcast's chat room as this pod holds it: its sockets here, and the room's state as the
 * room topic tells it (every pod with sockets in the room reads the same partition, so every
 * such pod holds the same state): settings, mutes, juries, the other pods' presence, the last
 * messages (what a report refers to). Loaded from PostgreSQL when the first socket arrives.
 */
export class LocalRoom {
  readonly sockets = new Set<RoomSocket>();
  followersOnly = false;
  juriesEnabled = true;
  /** account → muted until (ms since the epoch; Infinity: the rest of the broadcast). */
  readonly mutes = new Map<string, number>();
  readonly juries = new Map<string, Jury>();
  private readonly presence = new Map<string, PodPresence>();
  private readonly recent: RecentMessage[] = [];
  /** Accounts known to be among the first commenters (or the owner, or followers): they may write in a crowd. */
  readonly commenters = new Set<string>();
  /** The first-commenters list is full: nobody else joins it. */
  commentersFull = false;
  ended = false;

  constructor(
    readonly broadcastId: string,
    readonly ownerId: string,
    readonly startedAt: Date,
    readonly partition: number,
  ) {}

  /** Milliseconds since the broadcast went live: where an item sits in the replay. */
  offsetMs(at = Date.now()): bigint {
    return BigInt(Math.max(0, at - this.startedAt.getTime()));
  }

  broadcast(frame: string): void {
    for (const socket of this.sockets) socket.send(frame);
  }

  /** Sockets of one account on this pod (a viewer may have several tabs). */
  socketsOf(accountId: string): RoomSocket[] {
    return [...this.sockets].filter((s) => s.ticket.accountId === accountId);
  }

  isMuted(accountId: string, now = Date.now()): boolean {
    const until = this.mutes.get(accountId);
    return until !== undefined && until > now;
  }

  remember(message: RecentMessage): void {
    this.recent.push(message);
    if (this.recent.length > RECENT_MESSAGES) this.recent.shift();
  }

  findRecent(messageId: string): RecentMessage | undefined {
    return this.recent.find((m) => m.messageId === messageId);
  }

  get lastMessages(): RecentMessage[] {
    return this.recent.slice(-50);
  }

  notePresence(podId: string, joined: number, watching: number, active: string[]): void {
    if (joined <= 0) this.presence.delete(podId);
    else this.presence.set(podId, { joined, watching, active, at: Date.now() });
  }

  /** The room across pods: each pod's last report, this pod's own sockets counted live. */
  totals(podId: string): { joined: number; watching: number } {
    let joined = this.sockets.size;
    let watching = [...this.sockets].filter((s) => s.watching).length;
    const now = Date.now();
    for (const [pod, p] of this.presence) {
      if (pod === podId) continue;
      if (now - p.at > PRESENCE_STALE_MS) this.presence.delete(pod);
      else {
        joined += p.joined;
        watching += p.watching;
      }
    }
    return { joined, watching };
  }

  /** Accounts active in the room across pods (this pod's sockets, the others' last samples). */
  activeAccounts(podId: string): Set<string> {
    const active = new Set([...this.sockets].map((s) => s.ticket.accountId));
    for (const [pod, p] of this.presence) if (pod !== podId) for (const a of p.active) active.add(a);
    return active;
  }
}
