import { Logger } from '@nestjs/common';
import type { types } from 'mediasoup';
import { ServiceTls } from '@onair/service-tls';
import { WebSocket } from 'ws';
import type { RelayConfig } from '../config.js';
import type { BroadcastEndReason, Room } from '../room/room.js';

const END_REASONS: readonly string[] = ['owner', 'publisher_gone', 'taken_down'] satisfies BroadcastEndReason[];
import { PIPE_OPTIONS, pipeEndpoint, type PipeAddress } from './relay-downstream.js';
import { RelayUnavailableError } from './relay.errors.js';

/** How long the origin has to answer the relay's opening and each request. */
const ORIGIN_TIMEOUT_MS = 10_000;

interface Frame {
  id?: number | null;
  ok?: boolean;
  result?: Record<string, unknown>;
  error?: { code: string; message: string };
  notification?: string;
  data?: Record<string, unknown>;
}

/** The origin node as this node talks to it (SIGNALLING.md, "Relaying between nodes"). */
export interface RelaySource {
  originNodeId: string;
  relayUrl: string;
  /** The consume ticket that names the origin (`relayFrom`): the origin checks it. */
  ticket: string;
}

/**
 * A relayed room's feed: one WebSocket to the origin node's relay endpoint and one
 * PipeTransport pair, through which each of the publisher's Producers arrives here as a pipe
 * Producer with the same id. Viewers on this node consume those as on the origin. The origin's
 * notifications keep the copy in step (Producers added and closed, the broadcast's end); losing
 * the origin closes the room, and its viewers ask stream-sessions for a new ticket.
 */
export class OriginFeed {
  private readonly log = new Logger('OriginFeed');
  private nextId = 1;
  private readonly pending = new Map<number, (frame: Frame) => void>();
  private pipe?: types.PipeTransport;
  private remoteTransportId = '';
  /**
   * Settles once the PipeTransport pair is connected, or the feed closed: the origin's
   * `producerAdded` can come right after `joined`, while the pair is still being made.
   */
  private readonly pipeUp: Promise<void>;
  private pipeSettled!: () => void;
  private closed = false;
  /** Producers being pulled, and those of them the origin closed meanwhile. */
  private readonly pulling = new Set<string>();
  private readonly closedWhilePulling = new Set<string>();
  /** When the PipeTransport pair connected, the origin's Producers were piped in, the first packet came. */
  private pipeConnectedAt = 0;
  private producersPipedAt = 0;
  private firstPacketAt?: number;

  private constructor(
    private readonly room: Room,
    private readonly source: RelaySource,
    private readonly socket: WebSocket,
    private readonly address: PipeAddress,
  ) {
    this.pipeUp = new Promise((resolve) => (this.pipeSettled = resolve));
  }

  /** Opens the feed; resolves once the Producers the origin has are piped into `room`. */
  static async open(room: Room, source: RelaySource, relay: RelayConfig, address: PipeAddress): Promise<OriginFeed> {
    const url = new URL(source.relayUrl);
    url.searchParams.set('ticket', source.ticket);
    // wss: mutual TLS, the origin must present an sfu-worker certificate of the internal CA.
    if (url.protocol === 'wss:' && !relay.tls) throw new RelayUnavailableError(source.originNodeId, 'the origin relays over TLS and this node has no internal certificate');
    const tls = url.protocol === 'wss:' && relay.tls ? ServiceTls.load(relay.tls).clientOptions('sfu-worker') : {};
    const socket = new WebSocket(url, { ...tls, headers: { authorization: `Bearer ${relay.secret}` }, handshakeTimeout: ORIGIN_TIMEOUT_MS });
    const feed = new OriginFeed(room, source, socket, address);
    try {
      const joined = await feed.opening();
      await feed.connectPipe();
      feed.pipeSettled();
      for (const { producerId } of joined.producers as Array<{ producerId: string }>) await feed.pull(producerId);
      feed.producersPipedAt = performance.now();
    } catch (err) {
      feed.close();
      throw err instanceof RelayUnavailableError ? err : new RelayUnavailableError(source.originNodeId, (err as Error).message);
    }
    room.once('closed', () => feed.close());
    return feed;
  }

  close(): void {
    this.closed = true;
    this.pipeSettled();
    this.pipe?.close();
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.close(1000, 'SFU.RELAY_DONE');
  }

  /** The origin's `joined` frame (or its refusal), then the notifications for the room's life. */
  private opening(): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the origin did not answer in time')), ORIGIN_TIMEOUT_MS);
      this.socket.on('error', (err) => reject(err));
      this.socket.on('close', (code, reason) => {
        clearTimeout(timer);
        reject(new Error(`the origin closed the relay (${code} ${reason.toString()})`));
        for (const answer of this.pending.values()) answer({ ok: false, error: { code: 'SFU.DISCONNECTED', message: 'relay closed' } });
        this.pending.clear();
        this.onOriginGone(reason.toString());
      });
      this.socket.on('message', (raw) => {
        const frame = JSON.parse(raw.toString()) as Frame;
        if (typeof frame.id === 'number' && this.pending.has(frame.id)) {
          this.pending.get(frame.id)!(frame);
          this.pending.delete(frame.id);
        } else if (frame.ok === false && frame.id === null) {
          reject(new Error(`${frame.error?.code}: ${frame.error?.message}`));
        } else if (frame.notification === 'joined') {
          clearTimeout(timer);
          resolve(frame.data ?? {});
        } else if (frame.notification) {
          this.onNotification(frame.notification, frame.data ?? {});
        }
      });
    });
  }

  private async connectPipe(): Promise<void> {
    const pipe = await this.room.router.createPipeTransport({ listenIp: { ip: this.address.listenIp, announcedIp: this.address.announcedIp }, ...PIPE_OPTIONS });
    this.pipe = pipe;
    const remote = await this.request('createPipeTransport', {});
    this.remoteTransportId = String(remote.transportId);
    await pipe.connect({ ip: String(remote.ip), port: Number(remote.port), srtpParameters: remote.srtpParameters as types.SrtpParameters });
    await this.request('connectPipeTransport', { transportId: this.remoteTransportId, ...pipeEndpoint(pipe, this.address) });
    this.pipeConnectedAt = performance.now();
  }

  /** The origin's Producer, piped here under the same id. */
  private async pull(producerId: string): Promise<void> {
    if (this.room.producers.has(producerId) || this.pulling.has(producerId)) return;
    this.pulling.add(producerId);
    try {
      await this.pipeUp;
      if (!this.pipe || this.closed || this.room.closed || this.closedWhilePulling.has(producerId)) return;
      const consumed = await this.request('consumeForPipe', { transportId: this.remoteTransportId, producerId });
      const producer = await this.pipe.produce({
        id: producerId,
        kind: consumed.kind as types.MediaKind,
        rtpParameters: consumed.rtpParameters as types.RtpParameters,
        paused: Boolean(consumed.producerPaused),
      });
      if (this.room.closed || this.closedWhilePulling.has(producerId)) return producer.close();
      this.room.addProducer(undefined, producer);
      this.watchFirstPacket(producer);
    } finally {
      this.pulling.delete(producerId);
      this.closedWhilePulling.delete(producerId);
    }
  }

  /**
   * How long this node's viewers wait for media once the relay is up, logged once per relay: the
   * first RTP packet any pipe Producer receives, timed from the pipe connecting. mediasoup emits a
   * Producer's first 'score' event as the first packet of its stream arrives.
   */
  private watchFirstPacket(producer: types.Producer): void {
    if (this.firstPacketAt === undefined) producer.once('score', () => this.onFirstPacket(producer.kind));
  }

  private onFirstPacket(kind: types.MediaKind): void {
    if (this.firstPacketAt !== undefined || this.room.closed) return;
    this.firstPacketAt = performance.now();
    const piped = this.producersPipedAt ? `, Producers piped in ${(this.producersPipedAt - this.pipeConnectedAt).toFixed(1)} ms` : '';
    this.log.log(
      `relay from ${this.source.originNodeId} for ${this.room.broadcastId}: first ${kind} packet ` +
        `${(this.firstPacketAt - this.pipeConnectedAt).toFixed(1)} ms after the pipe connected${piped}`,
    );
  }

  private onNotification(name: string, data: Record<string, unknown>): void {
    const producerId = String(data.producerId);
    if (name === 'producerAdded') {
      void this.pull(producerId).catch((err: Error) => this.log.warn(`pulling ${producerId}: ${err.message}`));
    } else if (name === 'producerClosed') {
      if (this.pulling.has(producerId)) this.closedWhilePulling.add(producerId);
      this.room.producers.get(producerId)?.close();
    } else if (name === 'broadcastEnded') {
      // The origin's reason, passed on to this node's viewers (a takedown shows as one).
      this.room.close('broadcast-ended', END_REASONS.includes(String(data.reason)) ? (data.reason as BroadcastEndReason) : 'unspecified');
    }
  }

  private onOriginGone(reason: string): void {
    if (this.room.closed) return;
    this.log.warn(`relay from ${this.source.originNodeId} for ${this.room.broadcastId} closed (${reason || 'no reason'})`);
    this.room.close(reason === 'SFU.BROADCAST_ENDED' ? 'broadcast-ended' : 'origin-lost');
  }

  private request(method: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer from the origin`));
      }, ORIGIN_TIMEOUT_MS);
      this.pending.set(id, (frame) => {
        clearTimeout(timer);
        if (frame.ok) resolve(frame.result ?? {});
        else reject(new Error(`${method}: ${frame.error?.code}: ${frame.error?.message}`));
      });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }
}
