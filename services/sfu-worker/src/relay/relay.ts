import { Logger } from '@nestjs/common';
import type { types } from 'mediasoup';
import type { Room } from '../room/room.js';
import type { PooledWorker, WorkerPool } from '../worker-pool/worker-pool.js';

/** A Router that carries a room's media, and the worker (WebRtcServer) it runs on. */
export interface RoomRouter {
  router: types.Router;
  worker: PooledWorker;
}

/**
 * How a broadcast grows past one Router: when every Router of the room is at its consumer
 * cap, `overflowRouter` returns a new Router that already carries the publisher's Producers;
 * the viewer's transport and consumers go there. Undefined: the room cannot grow (SFU.ROOM_FULL).
 */
export interface Relay {
  overflowRouter(room: Room): Promise<RoomRouter | undefined>;
  /** A Producer the publisher added later reaches the room's overflow Routers too. */
  pipe(room: Room, producer: types.Producer, to: types.Router): Promise<void>;
}

/**
 * Grows a room across this node's workers (one core each): a Router on a worker the room
 * does not use yet, fed from the room's first Router through a PipeTransport pair
 * (`router.pipeToRouter`), so a viral broadcast uses every core of the pod. Across nodes the
 * same pipe would need the remote node's PipeTransport: not done yet; a full node answers
 * SFU.ROOM_FULL and stream-sessions places no more viewers on it.
 */
export class WorkerPipeRelay implements Relay {
  private readonly log = new Logger('WorkerPipeRelay');

  constructor(private readonly pool: WorkerPool) {}

  async overflowRouter(room: Room): Promise<RoomRouter | undefined> {
    // The pipes' Consumers sit on the room's first Router: it must have room for them.
    if (!room.hasRoomForPipes()) return undefined;
    const created = await this.pool.createRouterAvoiding(new Set(room.routers.map((r) => r.worker)));
    if (!created) return undefined;
    const { router, slot } = created;
    try {
      for (const producer of room.producers.values()) await this.pipe(room, producer, router);
    } catch (err) {
      router.close();
      throw err;
    }
    this.log.log(`room ${room.broadcastId} grows to worker ${slot.index}`);
    return { router, worker: slot };
  }

  async pipe(room: Room, producer: types.Producer, to: types.Router): Promise<void> {
    await room.router.pipeToRouter({ producerId: producer.id, router: to });
  }
}
