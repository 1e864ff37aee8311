import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser, type KeySource } from '@onair/auth';
import { ZodBodyPipe } from '@onair/http';
import { verifyChatTicket } from '@onair/media-tickets';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { ReplayGoneError, ReplayTicketMismatchError } from './replay.errors.js';

export const MEDIA_KEYS = Symbol('MediaKeys');

const ParamSchema = z.strictObject({ broadcastId: z.uuid().transform((id) => id.toLowerCase()) });

/** At most an hour of replay per request; a page of at most `limit` items, continued with `cursor`. */
const QuerySchema = z
  .strictObject({
    ticket: z.string().min(1).max(4096),
    fromMs: z.coerce.number().int().min(0).max(86_400_000).default(0),
    toMs: z.coerce.number().int().min(1).max(90_000_000).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(500),
    cursor: z.string().regex(/^\d{1,12}:\d{1,18}$/, 'a cursor from nextCursor').optional(),
  })
  .transform((q) => ({ ...q, toMs: q.toMs ?? q.fromMs + 3_600_000 }))
  .refine((q) => q.toMs > q.fromMs && q.toMs - q.fromMs <= 3_600_000, { message: 'toMs after fromMs, at most an hour later', path: ['toMs'] });
type Query = z.infer<typeof QuerySchema>;

interface ItemRow {
  item_id: string;
  kind: 'message' | 'hearts';
  offset_ms: string;
  kafka_offset: string;
  author_id: string | null;
  author_handle: string | null;
  text: string | null;
  taps: number | null;
  at: Date;
}

const ItemView = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: ['message', 'hearts'] },
    id: { type: 'string', format: 'uuid' },
    offsetMs: { type: 'integer', description: 'milliseconds since the broadcast went live' },
    authorId: { type: 'string', format: 'uuid', nullable: true },
    handle: { type: 'string', nullable: true },
    text: { type: 'string', nullable: true },
    taps: { type: 'integer', nullable: true, description: 'hearts: taps in the burst' },
    at: { type: 'string', format: 'date-time' },
  },
};

/** The chat of a replay, in the order it happened, for the replay player to show in sync. */
@ApiTags('chat')
@ApiBearerAuth()
@Controller('v1/chat/broadcasts/:broadcastId/replay')
export class ReplayController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(MEDIA_KEYS) private readonly keys: KeySource,
  ) {}

  @Get()
  @ApiParam({ name: 'broadcastId', format: 'uuid' })
  @ApiQuery({ name: 'ticket', description: "the caller's chat ticket for this broadcast (POST /v1/broadcasts/{id}/tickets, role chat): the replay's audience only" })
  @ApiQuery({ name: 'fromMs', required: false, schema: { type: 'integer', minimum: 0 } })
  @ApiQuery({ name: 'toMs', required: false, schema: { type: 'integer', minimum: 1 } })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000 } })
  @ApiQuery({ name: 'cursor', required: false, schema: { type: 'string' } })
  @ApiOkResponse({ schema: { type: 'object', properties: { items: { type: 'array', items: ItemView }, nextCursor: { type: 'string', nullable: true } } } })
  @ApiResponse({ status: 401, description: 'AUTH.* or MEDIA.TICKET_INVALID / MEDIA.TICKET_EXPIRED' })
  @ApiResponse({ status: 403, description: 'CHAT.TICKET_MISMATCH: the ticket is for another broadcast or account' })
  @ApiResponse({ status: 410, description: 'CHAT.REPLAY_GONE: the replay (and its chat) expired' })
  async replay(
    @CurrentUser() user: AuthenticatedUser,
    @Param(new ZodBodyPipe(ParamSchema)) { broadcastId }: { broadcastId: string },
    @Query(new ZodBodyPipe(QuerySchema)) q: Query,
  ) {
    const ticket = await verifyChatTicket(q.ticket, this.keys);
    if (ticket.broadcastId !== broadcastId || ticket.accountId !== user.accountId) throw new ReplayTicketMismatchError();
    const [room] = await this.dataSource.query('SELECT 1 FROM chat_room WHERE broadcast_id = $1', [broadcastId]);
    if (!room) throw new ReplayGoneError();
    const [afterMs, afterOffset] = q.cursor ? q.cursor.split(':') : [String(q.fromMs - 1), '-1'];
    const rows: ItemRow[] = await this.dataSource.query(
      // A message a flash jury convicted is not replayed: the room judged it abusive.
      `SELECT item_id, kind, offset_ms, kafka_offset, author_id, author_handle, text, taps, at FROM chat_replay_item i
        WHERE broadcast_id = $1 AND offset_ms >= $2 AND offset_ms < $3 AND (offset_ms, kafka_offset) > ($4::bigint, $5::bigint)
          AND NOT (kind = 'message' AND EXISTS (
            SELECT 1 FROM chat_jury j WHERE j.broadcast_id = i.broadcast_id AND j.message_id = i.item_id AND j.verdict = 'guilty'))
        ORDER BY offset_ms, kafka_offset LIMIT $6`,
      [broadcastId, q.fromMs, q.toMs, afterMs, afterOffset, q.limit + 1],
    );
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        kind: r.kind,
        id: r.item_id,
        offsetMs: Number(r.offset_ms),
        authorId: r.author_id,
        handle: r.author_handle,
        text: r.text,
        taps: r.taps,
        at: r.at.toISOString(),
      })),
      nextCursor: rows.length > q.limit ? `${last.offset_ms}:${last.kafka_offset}` : null,
    };
  }
}
