import { Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { MediaConfig } from '../config.js';
import type { BroadcastId } from '../ids.js';
import type { Relay } from '../relay/relay.js';
import type { WorkerPool } from '../worker-pool/worker-pool.js';
import { BroadcastEndedError } from './room.errors.js';
import { Room } from './room.js';

/** How many ended broadcast ids are remembered, so a late ticket cannot reopen a room. */
const ENDED_MEMORY = 10_000;

interface RoomsEvents {
  roomOpened: [room: Room];
}

/** Every Room on this node, one per broadcast. */
export class Rooms extends EventEmitter<RoomsEvents> {
  private readonly log = new Logger('Rooms');
  private readonly rooms = new Map<BroadcastId, Room>();
  private readonly opening = new Map<BroadcastId, Promise<Room>>();
  private readonly ended = new Set<BroadcastId>();

  constructor(
    private readonly pool: WorkerPool,
    private readonly relay: Relay,
    private readonly config: MediaConfig,
  ) {
    super();
  }

  get all(): Room[] {
    return [...this.rooms.values()];
  }

  get(broadcastId: BroadcastId): Room | undefined {
    return this.rooms.get(broadcastId);
  }

  /** The broadcast's room, opened on the least-loaded worker when it is the first participant. */
  async open(broadcastId: BroadcastId): Promise<Room> {
    if (this.ended.has(broadcastId)) throw new BroadcastEndedError(broadcastId);
    const existing = this.rooms.get(broadcastId);
    if (existing && !existing.closed) return existing;
    let opening = this.opening.get(broadcastId);
    if (!opening) {
      opening = this.create(broadcastId).finally(() => this.opening.delete(broadcastId));
      this.opening.set(broadcastId, opening);
    }
    return opening;
  }

  private async create(broadcastId: BroadcastId): Promise<Room> {
    const { router, slot } = await this.pool.createRouter();
    const room = new Room(broadcastId, router, slot, this.pool, this.relay, this.config.maxConsumersPerRouter);
    this.rooms.set(broadcastId, room);
    room.once('closed', (reason) => {
      if (this.rooms.get(broadcastId) === room) this.rooms.delete(broadcastId);
      this.log.log(`room ${broadcastId} closed (${reason})`);
    });
    this.log.log(`room ${broadcastId} opened on worker ${slot.index}`);
    this.emit('roomOpened', room);
    return room;
  }

  /**
   * broadcast.ended.v1: close the room and refuse it from now on. Naturally idempotent: a
   * redelivered or repeated event finds nothing left to close.
   */
  end(broadcastId: BroadcastId): void {
    this.ended.add(broadcastId);
    for (const oldest of this.ended) {
      if (this.ended.size <= ENDED_MEMORY) break;
      this.ended.delete(oldest);
    }
    this.rooms.get(broadcastId)?.close('broadcast-ended');
  }

  closeAll(): void {
    for (const room of this.rooms.values()) room.close('shutdown');
  }
}
