import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { readAmf0, writeAmf0, type Amf0Object, type Amf0Value } from './amf0.js';
import { MessageType, RtmpChunkReader, type ChunkLimits, type RtmpMessage } from './rtmp-chunk-reader.js';
import { RtmpProtocolError } from './rtmp.errors.js';

const HANDSHAKE_BYTES = 1536;
/** Our outgoing chunk size, announced right after connect. */
const OUT_CHUNK_SIZE = 4096;
const WINDOW_ACK_SIZE = 2_500_000;
/** The only application: encoders push rtmp://host/live/<stream key>. */
const APP = 'live';
const MAX_STREAM_NAME = 200;

/** An accepted publish: where the media messages go, and how it ends. */
export interface RtmpPublisher {
  media(message: RtmpMessage): void;
  /** The encoder stopped (deleteStream, FCUnpublish, closed socket, a protocol error). */
  end(): void;
}

/** A refused publish: the onStatus code the encoder sees (NetStream.Publish.BadName for a wrong key). */
export class RtmpRefusal extends Error {
  constructor(
    readonly status: string,
    description: string,
  ) {
    super(description);
  }
}

export interface RtmpConnectionOptions {
  limits: ChunkLimits;
  /** From the TCP connection to an accepted publish: past it the connection closes. */
  publishTimeoutMs: number;
  /** No bytes from a publishing encoder for this long: it is gone. */
  idleTimeoutMs: number;
  /**
   * Called once per connection, with the stream name (the key); never with a second one. `flow`
   * pauses reading from the encoder while the media's consumer is behind (TCP pushes back).
   */
  onPublish(streamName: string, flow: ReadFlow): Promise<RtmpPublisher>;
}

/** What a publish may do to its connection: push back on the encoder, or end it. */
export interface ReadFlow {
  pause(): void;
  resume(): void;
  close(reason: string): void;
}

type State = 'c0c1' | 'c2' | 'chunks' | 'closed';

/**
 * One encoder's RTMP connection, server side: the plain handshake (C0/C1/C2, no digest: every
 * encoder accepts it), the chunk stream, and the AMF0 commands of publishing (connect,
 * releaseStream, FCPublish, createStream, publish, FCUnpublish, deleteStream). One publish per
 * connection; anything else an encoder may send (play, AMF3, shared objects) is ignored or, if
 * it breaks the protocol, closes the connection. The stream name goes to `onPublish` only.
 */
export class RtmpConnection {
  private readonly log = new Logger('RtmpConnection');
  private state: State = 'c0c1';
  private handshake: Buffer = Buffer.alloc(0);
  private readonly reader: RtmpChunkReader;
  private publisher?: RtmpPublisher;
  private publishAsked = false;
  private connected = false;
  private readonly publishTimer: NodeJS.Timeout;
  private received = 0;
  private acknowledged = 0;
  private peerWindow = 0;
  /** Ours: RTMP's 128 until the SET_CHUNK_SIZE sent after connect. */
  private outChunkSize = 128;
  private readonly flow: ReadFlow = { pause: () => this.socket.pause(), resume: () => this.socket.resume(), close: (reason) => this.close(reason) };

  constructor(
    private readonly socket: Socket,
    private readonly options: RtmpConnectionOptions,
  ) {
    this.reader = new RtmpChunkReader(options.limits);
    this.publishTimer = setTimeout(() => this.close('no publish in time'), options.publishTimeoutMs);
    socket.setNoDelay(true);
    socket.on('data', (data) => this.onData(data));
    socket.on('error', () => undefined);
    socket.once('close', () => this.close());
  }

  private get closed(): boolean {
    return this.state === 'closed';
  }

  close(reason?: string): void {
    if (this.state === 'closed') return;
    if (reason) this.log.log(`RTMP connection from ${this.socket.remoteAddress} closed: ${reason}`);
    this.state = 'closed';
    clearTimeout(this.publishTimer);
    this.publisher?.end();
    this.socket.end();
    // A peer that never reads must not keep the socket: destroyed shortly after the end.
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  private onData(data: Buffer): void {
    if (this.state === 'closed') return;
    try {
      if (this.state !== 'chunks') return this.onHandshake(data);
      this.received += data.length;
      if (this.peerWindow > 0 && this.received - this.acknowledged >= this.peerWindow) {
        this.acknowledged = this.received;
        const ack = Buffer.alloc(4);
        ack.writeUInt32BE(this.received >>> 0);
        this.send(2, MessageType.Acknowledgement, 0, ack);
      }
      for (const message of this.reader.push(data)) {
        // A message may have closed the connection: the rest of the read is not looked at.
        if (this.closed) return;
        this.onMessage(message);
      }
    } catch (err) {
      this.close(err instanceof RtmpProtocolError ? err.message : `unreadable: ${(err as Error).message}`);
    }
  }

  private onHandshake(data: Buffer): void {
    this.handshake = Buffer.concat([this.handshake, data]);
    if (this.state === 'c0c1') {
      if (this.handshake[0] !== 3) throw new RtmpProtocolError(`RTMP version ${this.handshake[0]} (only 3, plain)`);
      if (this.handshake.length < 1 + HANDSHAKE_BYTES) return;
      const c1 = this.handshake.subarray(1, 1 + HANDSHAKE_BYTES);
      const s1 = Buffer.concat([Buffer.alloc(8), randomBytes(HANDSHAKE_BYTES - 8)]);
      this.socket.write(Buffer.concat([Buffer.from([3]), s1, c1]));
      this.handshake = this.handshake.subarray(1 + HANDSHAKE_BYTES);
      this.state = 'c2';
    }
    if (this.state === 'c2' && this.handshake.length >= HANDSHAKE_BYTES) {
      const rest = this.handshake.subarray(HANDSHAKE_BYTES);
      this.handshake = Buffer.alloc(0);
      this.state = 'chunks';
      if (rest.length) this.onData(rest);
    }
  }

  private onMessage(message: RtmpMessage): void {
    switch (message.type) {
      case MessageType.CommandAmf0:
        return this.onCommand(readAmf0(message.payload), message.streamId);
      case MessageType.WindowAckSize:
        if (message.payload.length >= 4) this.peerWindow = message.payload.readUInt32BE(0);
        return;
      case MessageType.Audio:
      case MessageType.Video:
      case MessageType.DataAmf0:
        this.publisher?.media(message);
        return;
      default:
      // Acknowledgements, user control, peer bandwidth, aborts, AMF3: nothing a publisher needs.
    }
  }

  private onCommand([name, transactionId, command, ...args]: Amf0Value[], streamId: number): void {
    const tx = typeof transactionId === 'number' ? transactionId : 0;
    switch (name) {
      case 'connect':
        return this.onConnect(tx, command);
      case 'createStream':
        return this.sendCommand(0, '_result', tx, null, 1);
      case 'publish':
        if (!this.connected) return this.close('publish before connect');
        return void this.onPublishCommand(args[0], streamId);
      case 'FCUnpublish':
      case 'deleteStream':
      case 'closeStream':
        return this.close('the encoder stopped');
      default:
      // releaseStream, FCPublish, getStreamLength, …: no answer needed by encoders.
    }
  }

  private onConnect(tx: number, command: Amf0Value): void {
    const app = command && typeof command === 'object' && !Array.isArray(command) ? (command as Amf0Object).app : undefined;
    if (typeof app !== 'string' || app.replace(/\/+$/, '') !== APP) {
      this.sendCommand(0, '_error', tx, null, { level: 'error', code: 'NetConnection.Connect.Rejected', description: `unknown application; use rtmp://host/${APP}` });
      return this.close('unknown application');
    }
    const size = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
    this.send(2, MessageType.WindowAckSize, 0, size(WINDOW_ACK_SIZE));
    this.send(2, MessageType.SetPeerBandwidth, 0, Buffer.concat([size(WINDOW_ACK_SIZE), Buffer.from([2])]));
    this.send(2, MessageType.SetChunkSize, 0, size(OUT_CHUNK_SIZE));
    this.outChunkSize = OUT_CHUNK_SIZE;
    this.connected = true;
    this.sendCommand(
      0,
      '_result',
      tx,
      { fmsVer: 'FMS/3,0,1,123', capabilities: 31 },
      { level: 'status', code: 'NetConnection.Connect.Success', description: 'Connection succeeded.', objectEncoding: 0 },
    );
  }

  private async onPublishCommand(streamName: Amf0Value, streamId: number): Promise<void> {
    if (this.publishAsked) return this.close('a second publish on one connection');
    this.publishAsked = true;
    const name = typeof streamName === 'string' ? streamName.split('?')[0] : '';
    if (!name || name.length > MAX_STREAM_NAME) return this.refuse(streamId, new RtmpRefusal('NetStream.Publish.BadName', 'the stream name must be the stream key'));
    try {
      const publisher = await this.options.onPublish(name, this.flow);
      if (this.state === 'closed') return publisher.end();
      this.publisher = publisher;
    } catch (err) {
      return this.refuse(streamId, err instanceof RtmpRefusal ? err : new RtmpRefusal('NetStream.Publish.Failed', 'publishing failed'));
    }
    clearTimeout(this.publishTimer);
    this.socket.setTimeout(this.options.idleTimeoutMs, () => this.close('no media'));
    this.sendStatus(streamId, 'status', 'NetStream.Publish.Start', 'Publishing.');
  }

  private refuse(streamId: number, refusal: RtmpRefusal): void {
    this.sendStatus(streamId, 'error', refusal.status, refusal.message);
    this.close(`publish refused: ${refusal.status}`);
  }

  private sendStatus(streamId: number, level: string, code: string, description: string): void {
    this.sendCommand(streamId, 'onStatus', 0, null, { level, code, description });
  }

  private sendCommand(streamId: number, ...values: Amf0Value[]): void {
    this.send(streamId === 0 ? 3 : 5, MessageType.CommandAmf0, streamId, writeAmf0(...values));
  }

  /** One message as chunks: a full header (fmt 0), then continuation headers (fmt 3). */
  private send(csid: number, type: number, streamId: number, payload: Buffer): void {
    if (this.state === 'closed' || this.socket.destroyed) return;
    const header = Buffer.alloc(12);
    header[0] = csid;
    header.writeUIntBE(payload.length, 4, 3);
    header[7] = type;
    header.writeUInt32LE(streamId, 8);
    const parts: Buffer[] = [header];
    for (let at = 0; at < payload.length; at += this.outChunkSize) {
      if (at > 0) parts.push(Buffer.from([0xc0 | csid]));
      parts.push(payload.subarray(at, at + this.outChunkSize));
    }
    this.socket.write(Buffer.concat(parts));
  }
}
