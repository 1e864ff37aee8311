import { Logger } from '@nestjs/common';
import { DomainError, ValidationFailedError } from '@onair/errors';
import { isOwnerTicket, type VerifiedChatTicket } from '@onair/media-tickets';
import { WebSocket, type RawData } from 'ws';
import type { LocalRoom, RoomSocket } from '../delivery/local-room.js';
import type { HeartBursts } from '../hearts/heart-bursts.js';
import type { MessageLimits } from '../messages/message-limits.js';
import { MessageRefusedError, type MessagesService } from '../messages/messages.service.js';
import type { JuryService } from '../moderation/jury.service.js';
import type { ModerationService } from '../moderation/moderation.service.js';
import type { SuspendedAccounts } from '../suspensions/suspended-accounts.js';
import { ClientFrame, errorFrame, frame, type ChatError } from './chat-protocol.js';
import { MalformedFrameError } from './socket.errors.js';

/** What one connection uses of the pod. */
export interface ChatServices {
  messages: MessagesService;
  limits: MessageLimits;
  hearts: HeartBursts;
  moderation: ModerationService;
  juries: JuryService;
  suspensions: SuspendedAccounts;
  /** The socket's `state` frame (what it may do now). */
  stateFrame(room: LocalRoom, socket: RoomSocket): string;
  /** The room's presence counts to its sockets (a viewer started or stopped watching). */
  presenceChanged(room: LocalRoom): void;
}

/** Close code of a socket that keeps sending refused messages (PROTOCOL.md). */
export const FLOOD_CLOSE_CODE = 4429;

/** One viewer's (or the broadcaster's) chat socket in one room. Frames are handled one at a time, in order. */
export class ChatConnection implements RoomSocket {
  private readonly log = new Logger('ChatConnection');
  readonly owner: boolean;
  watching = false;

  constructor(
    private readonly ws: WebSocket,
    readonly ticket: VerifiedChatTicket,
    readonly room: LocalRoom,
    private readonly services: ChatServices,
  ) {
    this.owner = isOwnerTicket(ticket);
  }

  send(data: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(data);
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason);
  }

  /** The first frames: who you are, what you may do, the room's last messages and counts. */
  welcome(): void {
    const { room } = this;
    this.send(
      frame('joined', {
        broadcastId: room.broadcastId,
        accountId: this.ticket.accountId,
        owner: this.owner,
        recent: room.lastMessages.map((m) => ({ messageId: m.messageId, authorId: m.authorId, handle: m.authorHandle, text: m.text })),
      }),
    );
    this.send(this.services.stateFrame(room, this));
  }

  async handle(data: RawData, isBinary: boolean): Promise<void> {
    let id: string | number | undefined;
    try {
      if (isBinary) throw new MalformedFrameError('binary frames are not accepted');
      let raw: unknown;
      try {
        raw = JSON.parse(data.toString());
      } catch {
        throw new MalformedFrameError('not JSON');
      }
      const probe = raw as { id?: unknown };
      if (typeof probe?.id === 'string' || typeof probe?.id === 'number') id = probe.id;
      const parsed = ClientFrame.safeParse(raw);
      if (!parsed.success) {
        const type = (raw as { type?: unknown })?.type;
        const known = ClientFrame.options.some((o) => o.shape.type.value === type);
        if (!known) throw new MalformedFrameError(`unknown frame type ${JSON.stringify(type)?.slice(0, 40)}`);
        throw new ValidationFailedError(parsed.error.issues.map((i) => ({ field: i.path.join('.'), issue: i.message })));
      }
      await this.dispatch(parsed.data);
    } catch (err) {
      this.refuse(err, id);
    }
  }

  private async dispatch(f: ClientFrame): Promise<void> {
    const { room, services } = this;
    switch (f.type) {
      case 'message': {
        // The pod closes a suspended account's sockets when it hears of it; frames already on the way are refused.
        services.suspensions.assertMayWrite(this.ticket.accountId);
        const posted = await services.messages.post(room, this, f.text);
        return this.send(frame('ack', { id: f.id ?? null, ...posted }));
      }
      case 'hearts':
        services.suspensions.assertMayWrite(this.ticket.accountId);
        return services.hearts.tap(room, this.ticket.accountId, f.count);
      case 'presence':
        this.watching = f.watching;
        return services.presenceChanged(room);
      case 'report':
        return this.send(frame('ack', { id: f.id ?? null, ...(await services.juries.report(room, this, f.messageId)) }));
      case 'vote':
        await services.juries.vote(room, this, f.juryId, f.guilty);
        return this.send(frame('ack', { id: f.id ?? null }));
      case 'mute':
        await services.moderation.mute(room, this, f.accountId, f.seconds);
        return this.send(frame('ack', { id: f.id ?? null }));
      case 'unmute':
        await services.moderation.unmute(room, this, f.accountId);
        return this.send(frame('ack', { id: f.id ?? null }));
      case 'settings':
        await services.moderation.settings(room, this, { followersOnly: f.followersOnly, juries: f.juries });
        return this.send(frame('ack', { id: f.id ?? null }));
    }
  }

  private refuse(err: unknown, id: string | number | undefined): void {
    this.send(errorFrame(describe(err, this.log), id));
    if (err instanceof MessageRefusedError) {
      // The writer learns its new state at once (muted, full room); a flood ends the socket.
      if (err.code !== 'CHAT.RATE_LIMITED') this.send(this.services.stateFrame(this.room, this));
      if (this.services.limits.refused(this.room.broadcastId, this.ticket.accountId)) this.close(FLOOD_CLOSE_CODE, 'CHAT.FLOOD');
    }
  }
}

/** A stable-coded error for the client; anything unexpected is logged and not leaked. */
export function describe(err: unknown, log: Logger): ChatError {
  if (err instanceof DomainError) return { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) };
  log.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  return { code: 'CHAT.INTERNAL', message: 'internal error' };
}
