import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { Logger } from '@nestjs/common';
import { ChatMessagePostedEvent } from '@onair/contracts';
import { DomainError } from '@onair/errors';
import type { EventPublisher } from '@onair/kafka';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { LocalRoom, RoomSocket } from '../delivery/local-room.js';
import { joinFirstCommenters } from './commenters.js';
import type { MessageLimits } from './message-limits.js';
import { writeRefusal, type WriteRefusal } from './write-permission.js';

/** A message the room's rules refuse; `details.reason` says which rule, and a socket flooding is closed. */
export class MessageRefusedError extends DomainError {
  readonly kind = 'forbidden' as const;
  constructor(
    readonly code: string,
    message: string,
    details?: Record<string, unknown>,
  ) {
    super(message, details);
  }
}

const REFUSALS: Record<WriteRefusal, [string, string]> = {
  MUTED: ['CHAT.MUTED', 'you are muted in this room'],
  FOLLOWERS_ONLY: ['CHAT.FOLLOWERS_ONLY', "the broadcaster has limited comments to their followers"],
  COMMENTS_FULL: ['CHAT.COMMENTS_FULL', 'this room is crowded: only its first commenters and the broadcaster\'s followers write now; you can keep reading'],
};

export interface Posted {
  messageId?: string;
  /** An identical message from the same writer moments ago: nothing new was published. */
  collapsed?: true;
}

/**
 * Accepting a message: the writer's limits, the room's rules (mutes, followers-only, the crowd
 * rule), then the room topic. Accepted means published: the message is in Kafka, in the room's
 * order, when the writer gets its ack; every pod with sockets in the room delivers it from there.
 */
export class MessagesService {
  private readonly log = new Logger('MessagesService');

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    private readonly limits: MessageLimits,
    private readonly rules: { openCommenters: number },
    private readonly podId: string,
  ) {}

  async post(room: LocalRoom, socket: RoomSocket, text: string): Promise<Posted> {
    const author = socket.ticket.accountId;
    const verdict = this.limits.check(room.broadcastId, author, text);
    if (verdict === 'duplicate') return { collapsed: true };
    if (verdict === 'rate_limited') throw new MessageRefusedError('CHAT.RATE_LIMITED', 'slow down: at most one message a second, five at once');
    const { joined } = room.totals(this.podId);
    const refusal = writeRefusal(room, socket, joined, this.rules.openCommenters) ?? (await this.crowdCheck(room, socket, joined));
    if (refusal) {
      const [code, message] = REFUSALS[refusal];
      const until = room.mutes.get(author);
      throw new MessageRefusedError(code, message, refusal === 'MUTED' && until !== undefined ? { until: Number.isFinite(until) ? new Date(until).toISOString() : null } : undefined);
    }
    const messageId = randomUUID();
    const now = Date.now();
    await this.publisher.publish(ChatMessagePostedEvent, {
      broadcastId: room.broadcastId,
      messageId,
      authorId: author,
      authorHandle: socket.ticket.handle,
      text,
      postedAt: timestampFromMs(now),
      offsetMs: room.offsetMs(now),
    });
    return { messageId };
  }

  /**
   * Writes from an account this pod has not seen write: the first commenters are counted in
   * PostgreSQL. While the room is not crowded the message does not wait for that (a room's
   * registrations take turns, and hundreds of new writers at once would queue behind each other);
   * in a crowded room it must, since the answer decides whether the message goes out.
   */
  private async crowdCheck(room: LocalRoom, socket: RoomSocket, joined: number): Promise<WriteRefusal | undefined> {
    const account = socket.ticket.accountId;
    if (socket.owner || socket.ticket.followsOwner || room.commenters.has(account) || room.commentersFull) return undefined;
    const registering = joinFirstCommenters(this.dataSource, room.broadcastId, account, this.rules.openCommenters).then(({ listed, full }) => {
      if (listed) room.commenters.add(account);
      room.commentersFull = full;
      return listed;
    });
    if (joined <= this.rules.openCommenters) {
      registering.catch((err: Error) => this.log.warn(`first commenters of ${room.broadcastId}: ${err.message}`));
      return undefined;
    }
    return (await registering) ? undefined : 'COMMENTS_FULL';
  }
}
