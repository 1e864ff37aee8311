import { Logger } from '@nestjs/common';
import type { KeySource } from '@onair/auth';
import { DomainError, ValidationFailedError, type ErrorKind } from '@onair/errors';
import { MediaTicketInvalidError, MediaTicketUsedError, verifyMediaTicket, verifyRelayTicket, type VerifiedMediaTicket } from '@onair/media-tickets';
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { peerServiceName } from '@onair/service-tls';
import { SocketFrames, UsedTickets, type FrameLimits } from '@onair/websocket';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { RELAY_PATH, SIGNALLING_PATH, type RelayConfig } from '../config.js';
import type { BroadcastId } from '../ids.js';
import { joinAsPublisher, openPublisherRoom } from '../participant/publisher-join.js';
import { Participant } from '../participant/participant.js';
import { RelayDownstream, type PipeAddress } from '../relay/relay-downstream.js';
import { handleRelayRequest } from '../relay/relay.methods.js';
import { RelayNotAllowedError, RelayNotHostedError } from '../relay/relay.errors.js';
import type { Room } from '../room/room.js';
import type { Rooms } from '../room/rooms.js';
import { handleRequest } from './signalling.methods.js';
import { AdmissionRevokedError, DrainingError, MalformedFrameError, TicketWrongBroadcastError } from './signalling.errors.js';
import { errorFrame, MAX_FRAME_BYTES, notificationFrame, RequestFrame, responseFrame, type ErrorPayload } from './signalling-protocol.js';

/** WebSocket close codes for a refused join: 4000 + the HTTP status of the error's kind. */
const CLOSE_CODE: Partial<Record<ErrorKind, number>> = {
  unauthenticated: 4401,
  forbidden: 4403,
  gone: 4410,
  unavailable: 4503,
};

const PING_INTERVAL_MS = 20_000;

export interface SignallingOptions {
  nodeId: string;
  keyFrameRequestDelayMs: number;
  /** Relaying to other nodes (RELAY_PATH); undefined: refused. */
  relay?: RelayConfig;
  pipeAddress: PipeAddress;
  /** Per-socket frame rate and backlog; SIGNALLING.md's defaults when undefined. */
  frameLimits?: FrameLimits;
}

/** One accepted connection: the room member it is and how its requests are answered. */
interface Connection {
  member: Participant | RelayDownstream;
  handle(method: string, params: unknown): Promise<unknown>;
}

/**
 * The signalling WebSocket (`/v1/sfu/signal?ticket=…`, SIGNALLING.md). The media ticket is
 * verified locally on upgrade; the connection then is one Participant of the ticket's room.
 * Other SFU nodes relay a broadcast from this one on `/v1/sfu/relay` (the relay secret and a
 * ticket naming this node as the origin): the connection is then a RelayDownstream.
 */
export class SignallingServer {
  private readonly log = new Logger('Signalling');
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  private readonly pinger: NodeJS.Timeout;
  private readonly usedTickets = new UsedTickets();
  draining = false;

  constructor(
    private readonly rooms: Rooms,
    private readonly keys: KeySource,
    private readonly options: SignallingOptions,
  ) {
    this.pinger = setInterval(() => this.ping(), PING_INTERVAL_MS).unref();
  }

  /** For the HTTP server's `upgrade` event: signalling, and relays unless they go over internal TLS. */
  readonly handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    this.upgrade(req, socket, head, this.options.relay?.tls ? [SIGNALLING_PATH] : [SIGNALLING_PATH, RELAY_PATH]);
  };

  /**
   * For the relay server's `upgrade` event (wss, mutual TLS: the handshake already refused any
   * client without a certificate from the internal CA): relays only, and only from SFU nodes.
   */
  readonly handleRelayUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const peer = peerServiceName((socket as TLSSocket).getPeerCertificate?.());
    if (peer !== 'sfu-worker') {
      socket.end('HTTP/1.1 403 Forbidden\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    this.upgrade(req, socket, head, [RELAY_PATH]);
  };

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, paths: string[]): void {
    const url = new URL(req.url ?? '/', 'http://sfu');
    if (!paths.includes(url.pathname)) {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const authorization = req.headers.authorization;
    this.wss.handleUpgrade(req, socket, head, (ws) => void this.accept(ws, url, authorization));
  }

  close(): void {
    clearInterval(this.pinger);
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }

  private async accept(ws: WebSocket, url: URL, authorization: string | undefined): Promise<void> {
    // Requests sent right after the handshake wait (bounded) for the ticket check; then every
    // frame is handled in order, one at a time.
    const frames = new SocketFrames(ws, (code, message) => errorFrame(null, { code, message }), this.options.frameLimits);
    // A protocol error (a frame over maxPayload, bad framing) is emitted on the socket, which ws
    // then closes (1009, 1002): without a listener it would be thrown and take the node down.
    ws.on('error', (err) => this.log.debug?.(`signalling socket error: ${err.message}`));
    (ws as WebSocket & { isAlive?: boolean }).isAlive = true;
    ws.on('pong', () => ((ws as WebSocket & { isAlive?: boolean }).isAlive = true));
    let connection: Connection;
    try {
      connection = url.pathname === RELAY_PATH ? await this.joinRelay(ws, url, authorization) : await this.join(ws, url);
    } catch (err) {
      frames.stop();
      const error = describe(err, this.log);
      send(ws, errorFrame(null, error));
      ws.close(CLOSE_CODE[(err as DomainError).kind] ?? 4400, error.code);
      return;
    }
    ws.on('close', () => connection.member.close());
    frames.start((data, isBinary) => this.onFrame(ws, connection, data, isBinary));
  }

  private async join(ws: WebSocket, url: URL): Promise<Connection> {
    if (this.draining) throw new DrainingError();
    const token = url.searchParams.get('ticket');
    if (!token) throw new MediaTicketInvalidError('the ticket query parameter is missing');
    const ticket: VerifiedMediaTicket = await verifyMediaTicket(token, this.keys, this.options.nodeId);
    const asked = url.searchParams.get('broadcastId');
    if (asked !== null && asked !== ticket.broadcastId) throw new TicketWrongBroadcastError(ticket.broadcastId);
    if (!this.usedTickets.claim(ticket.ticketId, ticket.expiresAt)) throw new MediaTicketUsedError();
    // A viewer placed here while the publisher is on another node: this node relays from there.
    const relayFrom = ticket.relayFrom && { originNodeId: ticket.relayFrom.nodeId, relayUrl: ticket.relayFrom.relayUrl, ticket: token };
    let room: Room;
    if (ticket.role === 'publish') room = await openPublisherRoom(this.rooms, ticket.broadcastId as BroadcastId);
    else {
      room = await this.rooms.open(ticket.broadcastId as BroadcastId, relayFrom);
      // The last participant may have left (closing the room) while this one was on its way.
      if (room.closed) room = await this.rooms.open(ticket.broadcastId as BroadcastId, relayFrom);
    }
    const role = ticket.role === 'publish' ? 'publisher' : 'viewer';
    if (ticket.audience) {
      room.audience ??= ticket.audience;
      // Blocked, unfollowed or out of the circle since this ticket was issued.
      if (role === 'viewer' && this.rooms.admissionRevokedSince(ticket.audience, ticket.accountId, ticket.issuedAt)) throw new AdmissionRevokedError();
    }
    if (ws.readyState !== WebSocket.OPEN) throw new MediaTicketInvalidError('the socket closed during the ticket check');
    const participant = new Participant(
      ticket.accountId,
      role,
      room,
      {
        notify: (notification, data) => send(ws, notificationFrame(notification, data)),
        close: (code, reason) => ws.close(code, reason),
      },
      this.options.keyFrameRequestDelayMs,
    );
    // A publisher reconnecting (new network) replaces its previous connection.
    if (role === 'publisher') joinAsPublisher(room, participant);
    else room.join(participant);
    participant.notify('joined', {
      participantId: participant.id,
      broadcastId: ticket.broadcastId,
      role,
      producers: [...room.producers.values()].map((p) => ({ producerId: p.id, kind: p.kind })),
      // What getRouterRtpCapabilities answers, sent at once: a client loads its Device without
      // one more round trip before it can create its transport.
      rtpCapabilities: room.router.rtpCapabilities,
    });
    return { member: participant, handle: (method, params) => handleRequest(participant, method, params) };
  }

  /**
   * Another node pulling a broadcast carried here (published here, or itself relayed: a relay
   * tree's inner node): it must hold the relay secret and a ticket naming this node.
   */
  private async joinRelay(ws: WebSocket, url: URL, authorization: string | undefined): Promise<Connection> {
    // A draining origin still relays: its broadcasts live on until their rooms end, and their new
    // viewers are placed on other nodes that pull from here.
    const secret = this.options.relay?.secret;
    if (!secret || !sameSecret(authorization, `Bearer ${secret}`)) throw new RelayNotAllowedError();
    const token = url.searchParams.get('ticket');
    if (!token) throw new MediaTicketInvalidError('the ticket query parameter is missing');
    const ticket = await verifyRelayTicket(token, this.keys, this.options.nodeId);
    // No room here for the broadcast: nothing to relay (the other node's viewer asks again),
    // unless it went down with a worker a moment ago and its publisher is on the way back.
    const room = await this.rooms.hosted(ticket.broadcastId as BroadcastId);
    if (!room || room.closed) throw new RelayNotHostedError(ticket.broadcastId);
    if (ws.readyState !== WebSocket.OPEN) throw new MediaTicketInvalidError('the socket closed during the ticket check');
    const relay = new RelayDownstream(
      ticket.nodeId,
      room,
      { notify: (notification, data) => send(ws, notificationFrame(notification, data)), close: (code, reason) => ws.close(code, reason) },
      this.options.pipeAddress,
    );
    room.join(relay);
    relay.notify('joined', {
      broadcastId: ticket.broadcastId,
      role: 'relay',
      producers: [...room.producers.values()].map((p) => ({ producerId: p.id, kind: p.kind })),
    });
    return { member: relay, handle: (method, params) => handleRelayRequest(relay, method, params) };
  }

  private async onFrame(ws: WebSocket, connection: Connection, data: RawData, isBinary: boolean): Promise<void> {
    let id: RequestFrame['id'] | null = null;
    try {
      if (isBinary) throw new MalformedFrameError('binary frames are not accepted');
      let raw: unknown;
      try {
        raw = JSON.parse(data.toString());
      } catch {
        throw new MalformedFrameError('not JSON');
      }
      const probe = raw as { id?: unknown } | null;
      if (probe && (typeof probe.id === 'number' || typeof probe.id === 'string')) id = probe.id;
      const frame = RequestFrame.safeParse(raw);
      if (!frame.success) {
        throw new ValidationFailedError(frame.error.issues.map((i) => ({ field: i.path.join('.') || 'frame', issue: i.message })));
      }
      const result = await connection.handle(frame.data.method, frame.data.params ?? {});
      send(ws, responseFrame(frame.data.id, result));
      if (frame.data.method === 'leave') {
        connection.member.close();
        ws.close(1000, 'SFU.LEFT');
      }
    } catch (err) {
      send(ws, errorFrame(id, describe(err, this.log)));
    }
  }

  private ping(): void {
    for (const ws of this.wss.clients as Set<WebSocket & { isAlive?: boolean }>) {
      if (ws.isAlive === false) {
        ws.terminate();
        continue;
      }
      ws.isAlive = false;
      ws.ping();
    }
  }
}

function sameSecret(given: string | undefined, expected: string): boolean {
  const [a, b] = [Buffer.from(given ?? ''), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
}

function send(ws: WebSocket, frame: string): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(frame);
}

/** A stable-coded error for the client; anything unexpected is logged and not leaked. */
function describe(err: unknown, log: Logger): ErrorPayload {
  if (err instanceof DomainError) return { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) };
  log.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  return { code: 'SFU.INTERNAL', message: 'internal error' };
}
