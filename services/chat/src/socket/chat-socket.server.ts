import { Logger } from '@nestjs/common';
import type { KeySource } from '@onair/auth';
import type { DomainError, ErrorKind } from '@onair/errors';
import { MediaTicketInvalidError, MediaTicketUsedError, verifyChatTicket } from '@onair/media-tickets';
import { SocketFrames, UsedTickets, type FrameLimits } from '@onair/websocket';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { LocalRooms } from '../delivery/local-rooms.js';
import { ChatConnection, describe, type ChatServices } from './chat-connection.js';
import { errorFrame, MAX_FRAME_BYTES } from './chat-protocol.js';
import { TicketWrongRoomError } from './socket.errors.js';

/** The chat WebSocket's path (the edge routes `/v1/chat` here). */
export const CHAT_SOCKET_PATH = '/v1/chat/socket';

/** Close codes for a refused join: 4000 + the HTTP status of the error's kind (PROTOCOL.md). */
const CLOSE_CODE: Partial<Record<ErrorKind, number>> = { unauthenticated: 4401, forbidden: 4403, conflict: 4409, gone: 4410, unavailable: 4503 };

const PING_INTERVAL_MS = 20_000;

/**
 * The chat socket (`/v1/chat/socket?ticket=…`, PROTOCOL.md): the chat ticket is verified locally
 * (stream-sessions' media JWKS) and admits one socket; the socket then joins its room on this
 * pod. Frames are handled in order, bounded (SocketFrames) before and after admission.
 */
export class ChatSocketServer {
  private readonly log = new Logger('ChatSocket');
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  private readonly usedTickets = new UsedTickets();
  private readonly pinger: NodeJS.Timeout;

  constructor(
    private readonly rooms: LocalRooms,
    private readonly keys: KeySource,
    private readonly services: ChatServices,
    private readonly frameLimits?: FrameLimits,
  ) {
    this.pinger = setInterval(() => this.ping(), PING_INTERVAL_MS).unref();
  }

  readonly handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(req.url ?? '/', 'http://chat');
    if (url.pathname !== CHAT_SOCKET_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => void this.accept(ws, url));
  };

  close(): void {
    clearInterval(this.pinger);
    for (const ws of this.wss.clients) ws.close(1001, 'CHAT.SHUTTING_DOWN');
    this.wss.close();
  }

  private async accept(ws: WebSocket, url: URL): Promise<void> {
    const frames = new SocketFrames(ws, (code, message) => errorFrame({ code, message }), this.frameLimits);
    // A frame over maxPayload or bad framing is emitted here, then ws closes the socket (1009, 1002).
    ws.on('error', (err) => this.log.debug?.(`chat socket error: ${err.message}`));
    (ws as WebSocket & { isAlive?: boolean }).isAlive = true;
    ws.on('pong', () => ((ws as WebSocket & { isAlive?: boolean }).isAlive = true));
    let connection: ChatConnection;
    try {
      connection = await this.join(ws, url);
    } catch (err) {
      frames.stop();
      const error = describe(err, this.log);
      if (ws.readyState === WebSocket.OPEN) ws.send(errorFrame(error));
      ws.close(CLOSE_CODE[(err as DomainError).kind] ?? 4400, error.code);
      return;
    }
    ws.on('close', () => {
      this.rooms.leave(connection.room, connection);
      this.services.presenceChanged(connection.room);
    });
    connection.welcome();
    this.services.presenceChanged(connection.room);
    frames.start((data, isBinary) => connection.handle(data, isBinary));
  }

  private async join(ws: WebSocket, url: URL): Promise<ChatConnection> {
    const token = url.searchParams.get('ticket');
    if (!token) throw new MediaTicketInvalidError('the ticket query parameter is missing');
    const ticket = await verifyChatTicket(token, this.keys);
    const asked = url.searchParams.get('broadcastId');
    if (asked !== null && asked !== ticket.broadcastId) throw new TicketWrongRoomError(ticket.broadcastId);
    await this.services.suspensions.assertMayJoin(ticket.accountId);
    if (!this.usedTickets.claim(ticket.ticketId, ticket.expiresAt)) throw new MediaTicketUsedError();
    const room = await this.rooms.open(ticket.broadcastId);
    if (ws.readyState !== WebSocket.OPEN) throw new MediaTicketInvalidError('the socket closed during the ticket check');
    // Again after the awaits, with no await before joining: a suspension heard of meanwhile either
    // refuses the socket here or finds it in the room when it closes the account's sockets.
    this.services.suspensions.assertMayWrite(ticket.accountId);
    const connection = new ChatConnection(ws, ticket, room, this.services);
    this.rooms.join(room, connection);
    return connection;
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
