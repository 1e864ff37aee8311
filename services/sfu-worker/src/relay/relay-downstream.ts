import type { types } from 'mediasoup';
import { randomUUID } from 'node:crypto';
import type { ParticipantId } from '../ids.js';
import type { ParticipantLink } from '../participant/participant.js';
import { TransportNotFoundError } from '../participant/participant.errors.js';
import type { Room, RoomCloseReason, RoomMember } from '../room/room.js';
import { PipeExistsError } from './relay.errors.js';

/** Where this node's PipeTransports listen and what address they announce to the other node. */
export interface PipeAddress {
  listenIp: string;
  announcedIp: string;
}

/** Options both ends of a node-to-node pipe must agree on. */
export const PIPE_OPTIONS = {
  // Retransmission over a real network between pods, and encryption: the link leaves the host.
  enableRtx: true,
  enableSrtp: true,
} as const;

/**
 * The origin's side of a relay (RELAY_PATH): another SFU node that pulls this broadcast into its
 * own Router. It is a member of the room (keeping it open while the other node has viewers) with
 * one PipeTransport and one pipe Consumer per Producer (within SFU_MAX_RELAYS_PER_ROUTER, apart
 * from the viewers' cap); the room's notifications (producerAdded/Closed, broadcastEnded) reach the other node
 * over its socket.
 */
export class RelayDownstream implements RoomMember {
  readonly id = randomUUID() as ParticipantId;
  readonly role = 'relay' as const;
  private pipe?: { transport: types.PipeTransport; router: types.Router };
  private closed = false;

  constructor(
    readonly accountId: string,
    readonly room: Room,
    private readonly link: ParticipantLink,
    private readonly address: PipeAddress,
  ) {}

  notify(notification: string, data: Record<string, unknown>): void {
    if (!this.closed) this.link.notify(notification, data);
  }

  async createPipeTransport(): Promise<Record<string, unknown>> {
    if (this.pipe && !this.pipe.transport.closed) throw new PipeExistsError();
    // The room's first Router: the publisher's Producers are its own, no worker pipe in between.
    const router = this.room.router;
    const transport = await router.createPipeTransport({
      listenIp: { ip: this.address.listenIp, announcedIp: this.address.announcedIp },
      ...PIPE_OPTIONS,
    });
    if (this.closed) {
      transport.close();
      throw new TransportNotFoundError(transport.id);
    }
    this.pipe = { transport, router };
    return { transportId: transport.id, ...pipeEndpoint(transport, this.address) };
  }

  async connectPipeTransport(transportId: string, remote: { ip: string; port: number; srtpParameters: types.SrtpParameters }): Promise<void> {
    await this.own(transportId).transport.connect(remote);
  }

  /** A pipe Consumer for `producerId`: its parameters let the other node create the same Producer. */
  async consume(transportId: string, producerId: string): Promise<Record<string, unknown>> {
    const { transport, router } = this.own(transportId);
    this.room.producer(producerId);
    const consumer = await this.room.addRelayConsumer(router, () => transport.consume({ producerId }));
    return { id: consumer.id, producerId, kind: consumer.kind, rtpParameters: consumer.rtpParameters, producerPaused: consumer.producerPaused };
  }

  /** The other node has no viewers left, or its socket went: the pipe and its consumers close. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pipe?.transport.close();
    this.room.leave(this);
  }

  roomClosed(reason: RoomCloseReason): void {
    if (this.closed) return;
    this.closed = true;
    this.link.close(reason === 'broadcast-ended' ? 1000 : 1012, reason === 'broadcast-ended' ? 'SFU.BROADCAST_ENDED' : 'SFU.ROOM_CLOSED');
  }

  private own(transportId: string) {
    if (!this.pipe || this.pipe.transport.closed || this.pipe.transport.id !== transportId) throw new TransportNotFoundError(transportId);
    return this.pipe;
  }
}

/** The address and keys the other end of `transport` sends to. */
export function pipeEndpoint(transport: types.PipeTransport, address: PipeAddress) {
  return { ip: address.announcedIp, port: transport.tuple.localPort, srtpParameters: transport.srtpParameters };
}
