import type { BroadcastAudience } from '@onair/media-tickets';
import type { types } from 'mediasoup';
import { EventEmitter } from 'node:events';
import type { BroadcastId, ParticipantId } from '../ids.js';
import type { Relay, RoomRouter } from '../relay/relay.js';
import type { PooledWorker, WorkerPool } from '../worker-pool/worker-pool.js';
import { ProducerNotFoundError, RelaysFullError, RoomFullError } from './room.errors.js';

/** A publisher has at most one Producer per kind: each overflow Router pipes at most this many. */
const MAX_PRODUCERS = 2;

/** Why a room closed; participants are told with a notification or a close code. */
export type RoomCloseReason = 'broadcast-ended' | 'empty' | 'worker-died' | 'shutdown' | 'origin-lost';
/** Why a broadcast ended, as broadcast.ended.v1 says: participants are told it (a takedown is not the owner's end). */
export type BroadcastEndReason = 'owner' | 'publisher_gone' | 'taken_down' | 'unspecified';

/** What a Room needs of a participant: a mediasoup Room knows nothing of sockets. */
export interface RoomMember {
  readonly id: ParticipantId;
  readonly accountId: string;
  /** relay: another node pulling the broadcast through a pipe (relay/relay-downstream.ts). */
  readonly role: 'publisher' | 'viewer' | 'relay';
  notify(notification: string, data: Record<string, unknown>): void;
  /** The room is gone; the member closes its transports (already closed with the router). */
  roomClosed(reason: RoomCloseReason): void;
  /** A viewer out of the broadcast's audience now (blocked, unfollowed, out of the circle). */
  admissionRevoked?(): void;
}

interface RoomEvents {
  publisherJoined: [accountId: string];
  publisherLeft: [accountId: string];
  producerAdded: [producer: types.Producer];
  closed: [reason: RoomCloseReason];
}

/**
 * One broadcast on this node: a Router on one worker, its participants, the publisher's
 * Producers. Closing the room closes the Router, and mediasoup closes every Transport,
 * Producer and Consumer with it. A relayed room (`relayedFrom`) has no publisher: its
 * Producers are pipe Producers fed by the origin node (relay/origin-feed.ts).
 */
export class Room extends EventEmitter<RoomEvents> {
  private readonly members = new Map<ParticipantId, RoomMember>();
  private readonly producerOwners = new Map<string, RoomMember>();
  readonly producers = new Map<string, types.Producer>();
  /** Consumers being created: counted against the cap before mediasoup knows them. */
  private readonly pending = new Map<types.Router, number>();
  /** Pipe Consumers of relays to other nodes, per Router: outside the viewers' cap. */
  private readonly relayConsumers = new Map<types.Router, number>();
  /** Routers on other workers fed from ours through pipes, once ours is full. */
  private readonly overflow = new Map<types.Router, PooledWorker>();
  private growing?: Promise<RoomRouter | undefined>;
  closed = false;
  /** The origin node this room pulls the broadcast from; undefined on the publisher's node. */
  relayedFrom?: string;
  /** Who the broadcast is for, from its tickets (stream-sessions' admission); undefined for old tickets. */
  audience?: BroadcastAudience;

  constructor(
    readonly broadcastId: BroadcastId,
    readonly router: types.Router,
    readonly worker: PooledWorker,
    private readonly pool: WorkerPool,
    private readonly relay: Relay,
    readonly maxConsumersPerRouter: number,
    readonly maxRelaysPerRouter = 0,
  ) {
    super();
    // A dead worker closes its routers: the room goes with them.
    router.observer.once('close', () => this.close('worker-died'));
  }

  get participants(): RoomMember[] {
    return [...this.members.values()];
  }

  get viewers(): number {
    let n = 0;
    for (const m of this.members.values()) if (m.role === 'viewer') n++;
    return n;
  }

  join(member: RoomMember): void {
    this.members.set(member.id, member);
  }

  leave(member: RoomMember): void {
    this.members.delete(member.id);
    if (this.members.size === 0) this.close('empty');
  }

  /** Every Router carrying this room: ours first, then the overflow ones. */
  get routers(): RoomRouter[] {
    return [{ router: this.router, worker: this.worker }, ...[...this.overflow].map(([router, worker]) => ({ router, worker }))];
  }

  /**
   * The Router a new viewer transport goes on: the first with room, else a new overflow Router
   * from the relay (one at a time, however many viewers ask at once); when the room cannot
   * grow, ours, where consuming answers SFU.ROOM_FULL.
   */
  async routerForViewer(): Promise<RoomRouter> {
    const free = this.routers.find(({ router }) => !this.isFull(router));
    if (free) return free;
    this.growing ??= this.grow().finally(() => (this.growing = undefined));
    return (await this.growing) ?? this.routers[0];
  }

  private async grow(): Promise<RoomRouter | undefined> {
    const added = await this.relay.overflowRouter(this);
    if (!added) return undefined;
    if (this.closed) {
      added.router.close();
      return undefined;
    }
    this.overflow.set(added.router, added.worker);
    added.router.observer.once('close', () => this.overflow.delete(added.router));
    return added;
  }

  /** Our Router can take one more set of pipe Consumers (one per Producer) within the cap. */
  hasRoomForPipes(): boolean {
    return this.capped(this.router) + MAX_PRODUCERS <= this.maxConsumersPerRouter;
  }

  /** Holds a consumer slot on `router` while the consumer is created; throws when the router is full. */
  reserveConsumer(router: types.Router): () => void {
    if (this.isFull(router)) throw new RoomFullError(this.maxConsumersPerRouter);
    this.pending.set(router, (this.pending.get(router) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.pending.set(router, (this.pending.get(router) ?? 1) - 1);
    };
  }

  /**
   * A pipe Consumer for a relay to another node, on `router`: counted apart from the cap (up to
   * maxRelaysPerRouter relays), since one relay serves a whole node of viewers.
   */
  addRelayConsumer(router: types.Router, consume: () => Promise<types.Consumer>): Promise<types.Consumer> {
    const used = this.relayConsumers.get(router) ?? 0;
    if (used + 1 > this.maxRelaysPerRouter * MAX_PRODUCERS) throw new RelaysFullError(this.maxRelaysPerRouter);
    this.relayConsumers.set(router, used + 1);
    const release = () => this.relayConsumers.set(router, (this.relayConsumers.get(router) ?? 1) - 1);
    return consume().then(
      (consumer) => {
        consumer.observer.once('close', release);
        return consumer;
      },
      (err: unknown) => {
        release();
        throw err;
      },
    );
  }

  /** Consumers on `router` that count against the cap: all but the relays' pipe Consumers. */
  private capped(router: types.Router): number {
    return this.pool.consumerCount(router) - (this.relayConsumers.get(router) ?? 0);
  }

  private isFull(router: types.Router): boolean {
    return this.capped(router) + (this.pending.get(router) ?? 0) + this.pipeReserve(router) >= this.maxConsumersPerRouter;
  }

  /**
   * Slots our Router keeps for the pipes of overflow Routers still to come (one per other
   * worker), so that growing never takes it past the cap.
   */
  private pipeReserve(router: types.Router): number {
    if (router !== this.router) return 0;
    return MAX_PRODUCERS * Math.max(0, this.pool.workers.length - 1 - this.overflow.size);
  }

  producer(producerId: string): types.Producer {
    const producer = this.producers.get(producerId);
    if (!producer) throw new ProducerNotFoundError(producerId);
    return producer;
  }

  /**
   * The publisher's Producer is up: viewers are told, and the first one means the publisher
   * joined. Without an owner it is a pipe Producer from the origin node: no publisher here.
   */
  addProducer(owner: RoomMember | undefined, producer: types.Producer): void {
    const first = this.producers.size === 0;
    this.producers.set(producer.id, producer);
    if (owner) this.producerOwners.set(producer.id, owner);
    producer.observer.once('close', () => this.removeProducer(producer));
    if (first && owner) this.emit('publisherJoined', owner.accountId);
    for (const router of this.overflow.keys()) void this.relay.pipe(this, producer, router).catch(() => router.close());
    this.emit('producerAdded', producer);
    this.broadcast('producerAdded', { producerId: producer.id, kind: producer.kind }, owner);
  }

  private removeProducer(producer: types.Producer): void {
    const owner = this.producerOwners.get(producer.id);
    this.producers.delete(producer.id);
    this.producerOwners.delete(producer.id);
    if (this.closed) return;
    this.broadcast('producerClosed', { producerId: producer.id }, owner);
    if (this.producers.size === 0 && owner) this.emit('publisherLeft', owner.accountId);
  }

  /** `endReason`: with 'broadcast-ended', why the broadcast ended (in the broadcastEnded notification). */
  close(reason: RoomCloseReason, endReason: BroadcastEndReason = 'unspecified'): void {
    if (this.closed) return;
    this.closed = true;
    const publisher = [...this.producerOwners.values()][0];
    if (reason === 'broadcast-ended') this.broadcast('broadcastEnded', { broadcastId: this.broadcastId, reason: endReason });
    for (const member of this.members.values()) member.roomClosed(reason);
    this.members.clear();
    for (const router of this.overflow.keys()) router.close();
    this.router.close();
    this.producers.clear();
    this.producerOwners.clear();
    if (publisher) this.emit('publisherLeft', publisher.accountId);
    this.emit('closed', reason);
  }

  private broadcast(notification: string, data: Record<string, unknown>, except?: RoomMember): void {
    for (const member of this.members.values()) if (member !== except) member.notify(notification, data);
  }
}
