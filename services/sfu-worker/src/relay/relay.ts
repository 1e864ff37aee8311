import type { types } from 'mediasoup';
import type { Room } from '../room/room.js';

/**
 * The seam for growing a broadcast past one Router. A later issue implements it with
 * `router.pipeToRouter()` (another worker of this node) and a PipeTransport pair across nodes:
 * when the room's Router is at its consumer cap, `overflowRouter` returns a Router that already
 * carries the publisher's Producers, and the viewer's transport and consumers go there.
 * Until then a full Router refuses consumers with SFU.ROOM_FULL.
 */
export interface Relay {
  overflowRouter(room: Room): Promise<types.Router | undefined>;
}

/** No relaying: one Router per broadcast per node. */
export class NoRelay implements Relay {
  async overflowRouter(): Promise<undefined> {
    return undefined;
  }
}
