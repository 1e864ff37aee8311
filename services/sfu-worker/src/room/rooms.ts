import { Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { MediaConfig, RelayConfig } from '../config.js';
import type { BroadcastId } from '../ids.js';
import { OriginFeed, type RelaySource } from '../relay/origin-feed.js';
import type { Relay } from '../relay/relay.js';
import { RelayUnavailableError } from '../relay/relay.errors.js';
import type { WorkerPool } from '../worker-pool/worker-pool.js';
import { losesAdmission, RecentAdmissionChanges, type AdmissionChange, type BroadcastAudience } from '@onair/media-tickets';
import { BroadcastEndedError } from './room.errors.js';
import { Room, type BroadcastEndReason } from './room.js';

/** How many ended broadcast ids are remembered, so a late ticket cannot reopen a room. */
const ENDED_MEMORY = 10_000;
/**
 * How long after a broadcast's room went down with its mediasoup worker a relay asking for it
 * waits for the room to open again: the worker is replaced in the process, and the publisher's
 * page (on the origin) or the viewers (on a relaying node) rejoin here at once. Refused at
 * once, the nodes below would retry on a backoff of up to a second each and resume that late.
 */
export const REOPEN_WAIT_MS = 5_000;
/** Relays waiting at once for rooms to reopen; past this, refused as before. */
const MAX_WAITING_RELAYS = 64;

interface RoomsEvents {
  roomOpened: [room: Room];
}

/** Every Room on this node, one per broadcast. */
export class Rooms extends EventEmitter<RoomsEvents> {
  private readonly log = new Logger('Rooms');
  private readonly rooms = new Map<BroadcastId, Room>();
  private readonly opening = new Map<BroadcastId, Promise<Room>>();
  private readonly ended = new Set<BroadcastId>();
  private readonly admissionChanges = new RecentAdmissionChanges();
  /** Rooms lately closed by their worker's death: when, by broadcast. */
  private readonly workerDeaths = new Map<BroadcastId, number>();
  private waitingRelays = 0;

  constructor(
    private readonly pool: WorkerPool,
    private readonly relay: Relay,
    private readonly config: MediaConfig,
    /** Relaying between nodes (SFU_RELAY_SECRET); without it, relayed tickets are refused. */
    private readonly relayConfig?: RelayConfig,
  ) {
    super();
    // Every waiting relay listens for roomOpened, beside the node's own listeners.
    this.setMaxListeners(MAX_WAITING_RELAYS + 10);
  }

  get all(): Room[] {
    return [...this.rooms.values()];
  }

  get(broadcastId: BroadcastId): Room | undefined {
    return this.rooms.get(broadcastId);
  }

  /**
   * The broadcast's open room, for a relay to pull from. If its room went down with a mediasoup
   * worker less than REOPEN_WAIT_MS ago, waits until then for it to open again; otherwise
   * (never here, ended, or moved away) undefined at once.
   */
  async hosted(broadcastId: BroadcastId): Promise<Room | undefined> {
    const room = this.rooms.get(broadcastId);
    if (room && !room.closed) return room;
    const diedAt = this.workerDeaths.get(broadcastId);
    const left = diedAt === undefined ? 0 : diedAt + REOPEN_WAIT_MS - Date.now();
    if (left <= 0 || this.waitingRelays >= MAX_WAITING_RELAYS || this.ended.has(broadcastId)) return undefined;
    this.waitingRelays++;
    try {
      return await new Promise<Room | undefined>((resolve) => {
        const done = (opened: Room | undefined) => {
          clearTimeout(timer);
          this.off('roomOpened', onOpened);
          resolve(opened);
        };
        const onOpened = (opened: Room) => {
          if (opened.broadcastId === broadcastId) done(opened);
        };
        const timer = setTimeout(() => done(undefined), left);
        this.on('roomOpened', onOpened);
      });
    } finally {
      this.waitingRelays--;
    }
  }

  /**
   * The broadcast's room, opened on the least-loaded worker when it is the first participant.
   * With `relayFrom` (a viewer placed here while the publisher is on another node) a new room is
   * fed from that origin node; it opens once the origin's Producers are piped in.
   */
  async open(broadcastId: BroadcastId, relayFrom?: RelaySource): Promise<Room> {
    if (this.ended.has(broadcastId)) throw new BroadcastEndedError(broadcastId);
    const existing = this.rooms.get(broadcastId);
    if (existing && !existing.closed) return existing;
    const inFlight = this.opening.get(broadcastId);
    if (inFlight) {
      // Another participant is opening it, maybe fed from another node (its ticket is older, or
      // placement has re-attached this node since): that one's failure is not ours to report.
      const room = await inFlight.catch(() => undefined);
      if (room && !room.closed) return room;
      return this.open(broadcastId, relayFrom);
    }
    const opening = this.create(broadcastId, relayFrom).finally(() => this.opening.delete(broadcastId));
    this.opening.set(broadcastId, opening);
    return opening;
  }

  private async create(broadcastId: BroadcastId, relayFrom?: RelaySource): Promise<Room> {
    if (relayFrom && !this.relayConfig) throw new RelayUnavailableError(relayFrom.originNodeId, 'relaying is not configured on this node');
    const { router, slot } = await this.pool.createRouter();
    const room = new Room(broadcastId, router, slot, this.pool, this.relay, this.config.maxConsumersPerRouter, this.config.maxRelaysPerRouter);
    if (relayFrom && this.relayConfig) {
      room.relayedFrom = relayFrom.originNodeId;
      const address = { listenIp: this.config.listenIp, announcedIp: this.config.announcedIp };
      await OriginFeed.open(room, relayFrom, this.relayConfig, address).catch((err: Error) => {
        room.close('origin-lost');
        throw err;
      });
    }
    this.rooms.set(broadcastId, room);
    room.once('closed', (reason) => {
      if (this.rooms.get(broadcastId) === room) this.rooms.delete(broadcastId);
      if (reason === 'worker-died') this.rememberWorkerDeath(broadcastId);
      this.log.log(`room ${broadcastId} closed (${reason})`);
    });
    this.log.log(`room ${broadcastId} opened on worker ${slot.index}${relayFrom ? `, relayed from node ${relayFrom.originNodeId}` : ''}`);
    this.emit('roomOpened', room);
    return room;
  }

  private rememberWorkerDeath(broadcastId: BroadcastId): void {
    const at = Date.now();
    this.workerDeaths.set(broadcastId, at);
    setTimeout(() => {
      if (this.workerDeaths.get(broadcastId) === at) this.workerDeaths.delete(broadcastId);
    }, REOPEN_WAIT_MS).unref();
  }

  /**
   * broadcast.ended.v1: close the room and refuse it from now on. Naturally idempotent: a
   * redelivered or repeated event finds nothing left to close.
   */
  end(broadcastId: BroadcastId, reason: BroadcastEndReason = 'unspecified'): void {
    this.ended.add(broadcastId);
    for (const oldest of this.ended) {
      if (this.ended.size <= ENDED_MEMORY) break;
      this.ended.delete(oldest);
    }
    this.rooms.get(broadcastId)?.close('broadcast-ended', reason);
  }

  /**
   * A social-graph change (a block, an unfollow, a circle membership or circle gone): every
   * viewer it takes out of a broadcast's audience leaves at once, and a ticket issued before it
   * no longer admits them.
   */
  revokeAdmission(change: AdmissionChange): number {
    this.admissionChanges.remember(change);
    let revoked = 0;
    for (const room of this.rooms.values()) {
      if (!room.audience) continue;
      for (const member of room.participants) {
        if (member.role === 'viewer' && member.admissionRevoked && losesAdmission(room.audience, member.accountId, change)) {
          member.admissionRevoked();
          revoked++;
        }
      }
    }
    if (revoked > 0) this.log.log(`${change.kind}: ${revoked} viewer(s) lost admission`);
    return revoked;
  }

  /** Whether a ticket issued at `issuedAt` was overtaken by a change that took `accountId` out of the audience. */
  admissionRevokedSince(audience: BroadcastAudience, accountId: string, issuedAt: Date): boolean {
    return this.admissionChanges.revokedSince(audience, accountId, issuedAt);
  }

  closeAll(): void {
    for (const room of this.rooms.values()) room.close('shutdown');
  }
}
