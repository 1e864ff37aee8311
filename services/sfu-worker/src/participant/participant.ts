import type { types } from 'mediasoup';
import { randomUUID } from 'node:crypto';
import type { ParticipantId } from '../ids.js';
import type { Room, RoomCloseReason, RoomMember } from '../room/room.js';
import {
  AlreadyConsumingError,
  CannotConsumeError,
  ConsumerNotFoundError,
  ForbiddenRoleError,
  MediaParametersRejectedError,
  ProducerExistsError,
  TransportExistsError,
  TransportNotFoundError,
  WrongTransportDirectionError,
} from './participant.errors.js';

export type Direction = 'send' | 'recv';

/** Where a participant's notifications and its end go: the signalling socket. */
export interface ParticipantLink {
  notify(notification: string, data: Record<string, unknown>): void;
  close(code: number, reason: string): void;
}

interface OwnTransport {
  transport: types.Transport;
  direction: Direction;
  router: types.Router;
}

/** Close codes of the signalling socket when the room goes away under a participant. */
const CLOSE_FOR: Record<RoomCloseReason, [number, string]> = {
  'broadcast-ended': [1000, 'SFU.BROADCAST_ENDED'],
  empty: [1000, 'SFU.ROOM_CLOSED'],
  'worker-died': [1012, 'SFU.WORKER_DIED'],
  shutdown: [1001, 'SFU.SHUTTING_DOWN'],
  // The node this room was relayed from is gone: a new ticket places the viewer again.
  'origin-lost': [1013, 'SFU.ORIGIN_LOST'],
};

/**
 * One signalling connection in a Room: a publisher (sends the broadcast) or a viewer
 * (receives it), with the Transports, Producers and Consumers it created. Closing the
 * participant closes its transports, and mediasoup closes their producers and consumers.
 */
export class Participant implements RoomMember {
  readonly id = randomUUID() as ParticipantId;
  private readonly transports = new Map<string, OwnTransport>();
  private readonly consumers = new Map<string, types.Consumer>();
  // Claimed before the first await of a create, so two requests racing (another socket, a bug)
  // cannot both pass the one-transport-per-direction and one-consumer-per-producer checks.
  private readonly creatingTransport = new Set<Direction>();
  private readonly consuming = new Set<string>();
  private closed = false;

  constructor(
    readonly accountId: string,
    readonly role: 'publisher' | 'viewer',
    readonly room: Room,
    private readonly link: ParticipantLink,
    private readonly keyFrameRequestDelayMs: number,
  ) {}

  notify(notification: string, data: Record<string, unknown>): void {
    if (!this.closed) this.link.notify(notification, data);
  }

  async createWebRtcTransport(direction: Direction): Promise<Record<string, unknown>> {
    if (direction === 'send' && this.role !== 'publisher') throw new ForbiddenRoleError(this.role, 'send media');
    if (direction === 'recv' && this.role !== 'viewer') throw new ForbiddenRoleError(this.role, 'receive media');
    if (this.creatingTransport.has(direction) || [...this.transports.values()].some((t) => t.direction === direction && !t.transport.closed)) {
      throw new TransportExistsError(direction);
    }
    this.creatingTransport.add(direction);
    let transport: types.WebRtcTransport;
    let router: types.Router;
    try {
      // A viewer may land on an overflow Router of another worker: that worker's WebRtcServer.
      const placed = direction === 'recv' ? await this.room.routerForViewer() : this.room.routers[0];
      router = placed.router;
      transport = await router.createWebRtcTransport({
        webRtcServer: placed.worker.webRtcServer,
        enableUdp: true,
        enableTcp: true,
        preferUdp: true,
        initialAvailableOutgoingBitrate: 1_000_000,
      });
    } finally {
      this.creatingTransport.delete(direction);
    }
    // A failed or closed DTLS session is a publisher gone: its producers close with the transport.
    transport.on('dtlsstatechange', (state) => {
      if (state === 'failed' || state === 'closed') transport.close();
    });
    this.attachTransport(transport, direction, router);
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  /**
   * Adopts a transport created outside signalling (the tests' PlainTransport fed by ffmpeg;
   * an ingest path later). It must live on `router`, one of this room's Routers.
   */
  attachTransport(transport: types.Transport, direction: Direction, router: types.Router = this.room.router): void {
    if (this.closed) {
      transport.close();
      return;
    }
    this.transports.set(transport.id, { transport, direction, router });
    transport.observer.once('close', () => this.transports.delete(transport.id));
  }

  /** One of this participant's WebRTC transports (WHIP ingest watches its media and restarts its ICE). */
  webRtcTransport(transportId: string): types.WebRtcTransport {
    return this.own(transportId).transport as types.WebRtcTransport;
  }

  async connectWebRtcTransport(transportId: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    await rejectsAsInvalid(this.own(transportId).transport.connect({ dtlsParameters }));
  }

  async restartIce(transportId: string): Promise<types.IceParameters> {
    const { transport } = this.own(transportId);
    return (transport as types.WebRtcTransport).restartIce();
  }

  async produce(transportId: string, kind: types.MediaKind, rtpParameters: types.RtpParameters): Promise<string> {
    if (this.role !== 'publisher') throw new ForbiddenRoleError(this.role, 'produce');
    const own = this.own(transportId, 'send');
    if ([...this.room.producers.values()].some((p) => p.kind === kind)) throw new ProducerExistsError(kind);
    const producer = await rejectsAsInvalid(
      own.transport.produce({
        kind,
        rtpParameters,
        // Many viewers joining at once each ask for a key frame: forward at most one per delay.
        keyFrameRequestDelay: this.keyFrameRequestDelayMs,
      }),
    );
    if (this.room.closed) {
      producer.close();
      throw new TransportNotFoundError(transportId);
    }
    this.room.addProducer(this, producer);
    return producer.id;
  }

  async consume(transportId: string, producerId: string, rtpCapabilities: types.RtpCapabilities) {
    if (this.role !== 'viewer') throw new ForbiddenRoleError(this.role, 'consume');
    const own = this.own(transportId, 'recv');
    const producer = this.room.producer(producerId);
    if (this.consuming.has(producer.id)) {
      throw new AlreadyConsumingError(producer.id, [...this.consumers.values()].find((c) => c.producerId === producer.id)?.id);
    }
    if (!own.router.canConsume({ producerId: producer.id, rtpCapabilities })) throw new CannotConsumeError(producerId);
    this.consuming.add(producer.id);
    const release = this.room.reserveConsumer(own.router);
    let consumer: types.Consumer;
    try {
      // Paused until the client has set up its side (resumeConsumer): no packets are lost
      // before the first key frame. Simulcast layers then follow the viewer's bandwidth.
      consumer = await rejectsAsInvalid(own.transport.consume({ producerId, rtpCapabilities, paused: true }));
    } catch (err) {
      this.consuming.delete(producer.id);
      throw err;
    } finally {
      release();
    }
    this.consumers.set(consumer.id, consumer);
    consumer.observer.once('close', () => {
      this.consumers.delete(consumer.id);
      this.consuming.delete(producer.id);
    });
    consumer.on('producerclose', () => this.notify('consumerClosed', { consumerId: consumer.id, producerId }));
    // mediasoup moved the viewer to another simulcast layer (its bandwidth, its preference, or a
    // layer the publisher stopped sending): the client can show the quality it gets.
    consumer.on('layerschange', (layers) =>
      this.notify('consumerLayersChanged', { consumerId: consumer.id, spatialLayer: layers?.spatialLayer ?? null, temporalLayer: layers?.temporalLayer ?? null }),
    );
    return {
      id: consumer.id,
      producerId,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      type: consumer.type,
      producerPaused: consumer.producerPaused,
    };
  }

  async resumeConsumer(consumerId: string): Promise<void> {
    await this.consumer(consumerId).resume();
  }

  async setPreferredLayers(consumerId: string, spatialLayer: number, temporalLayer?: number): Promise<void> {
    await rejectsAsInvalid(this.consumer(consumerId).setPreferredLayers({ spatialLayer, temporalLayer }));
  }

  /** The participant leaves (leave, socket gone): its transports close, then it leaves the room. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const { transport } of this.transports.values()) transport.close();
    this.transports.clear();
    this.room.leave(this);
  }

  /** Another connection of the publisher took over: this one ends, its producers with it. */
  replaced(): void {
    this.link.close(4409, 'SFU.PUBLISHER_REPLACED');
    this.close();
  }

  /** The viewer is no longer in the broadcast's audience (blocked, unfollowed, out of the circle). */
  admissionRevoked(): void {
    this.link.close(4403, 'SFU.ADMISSION_REVOKED');
    this.close();
  }

  roomClosed(reason: RoomCloseReason): void {
    if (this.closed) return;
    this.closed = true;
    this.transports.clear();
    this.link.close(...CLOSE_FOR[reason]);
  }

  private own(transportId: string, direction?: Direction): OwnTransport {
    const own = this.transports.get(transportId);
    if (!own || own.transport.closed) throw new TransportNotFoundError(transportId);
    if (direction && own.direction !== direction) throw new WrongTransportDirectionError(transportId, direction);
    return own;
  }

  private consumer(consumerId: string): types.Consumer {
    const consumer = this.consumers.get(consumerId);
    if (!consumer || consumer.closed) throw new ConsumerNotFoundError(consumerId);
    return consumer;
  }
}

/** mediasoup's TypeError / UnsupportedError for client-given parameters become a stable code. */
async function rejectsAsInvalid<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    const name = (err as Error)?.name;
    if (name === 'TypeError' || name === 'UnsupportedError') {
      throw new MediaParametersRejectedError((err as Error).message);
    }
    throw err;
  }
}
