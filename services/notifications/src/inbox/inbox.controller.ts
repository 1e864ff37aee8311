import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '@onair/auth';
import { ZodBodyPipe } from '@onair/http';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { InvalidCursorError, NotificationNotFoundError } from './inbox.errors.js';

const ListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(100).optional(),
  unread: z.enum(['true', 'false']).optional(),
});
type ListQuery = z.infer<typeof ListQuery>;
const IdParam = z.strictObject({ id: z.uuid().transform((id) => id.toLowerCase()) });

interface Row {
  id: string;
  kind: string;
  actor_id: string | null;
  actor_handle: string | null;
  broadcast_id: string | null;
  title: string | null;
  count: number;
  created_at: Date;
  updated_at: Date;
  read_at: Date | null;
}

export const NotificationView = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    kind: { type: 'string', enum: ['went_live', 'went_live_digest', 'followed', 'replay_ready', 'replay_expiring'] },
    actor: { type: 'object', nullable: true, properties: { id: { type: 'string', format: 'uuid' }, handle: { type: 'string', nullable: true } } },
    broadcastId: { type: 'string', format: 'uuid', nullable: true },
    title: { type: 'string', nullable: true },
    count: { type: 'integer', description: 'went_live_digest: how many go-lives it stands for' },
    at: { type: 'string', format: 'date-time' },
    read: { type: 'boolean' },
  },
};

const view = (r: Row) => ({
  id: r.id,
  kind: r.kind,
  actor: r.actor_id ? { id: r.actor_id, handle: r.actor_handle } : null,
  broadcastId: r.broadcast_id,
  title: r.title,
  count: r.count,
  at: r.updated_at.toISOString(),
  read: r.read_at !== null,
});

/** The caller's inbox, newest first (a digest counts as new when it grows). */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('v1/notifications')
export class InboxController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100 } })
  @ApiQuery({ name: 'cursor', required: false, schema: { type: 'string' } })
  @ApiQuery({ name: 'unread', required: false, schema: { type: 'string', enum: ['true', 'false'] } })
  @ApiOkResponse({ schema: { type: 'object', properties: { items: { type: 'array', items: NotificationView }, nextCursor: { type: 'string', nullable: true } } } })
  @ApiResponse({ status: 400, description: 'REQUEST.VALIDATION_FAILED, NOTIFICATIONS.INVALID_CURSOR' })
  async list(@CurrentUser() user: AuthenticatedUser, @Query(new ZodBodyPipe(ListQuery)) q: ListQuery) {
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    const rows: Row[] = await this.dataSource.query(
      `SELECT id, kind, actor_id, actor_handle, broadcast_id, title, count, created_at, updated_at, read_at FROM notification
        WHERE recipient_id = $1 AND ($2::timestamptz IS NULL OR (updated_at, id) < ($2::timestamptz, $3::uuid)) AND ($4::boolean IS NULL OR (read_at IS NULL) = $4)
        ORDER BY updated_at DESC, id DESC LIMIT $5`,
      [user.accountId, after?.at ?? null, after?.id ?? null, q.unread === undefined ? null : q.unread === 'true', q.limit + 1],
    );
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return { items: page.map(view), nextCursor: rows.length > q.limit ? encodeCursor(last.updated_at, last.id) : null };
  }

  @Get('unread-count')
  @ApiOkResponse({ schema: { type: 'object', properties: { unread: { type: 'integer' } } } })
  async unreadCount(@CurrentUser() user: AuthenticatedUser) {
    const [{ n }] = await this.dataSource.query('SELECT count(*)::int AS n FROM notification WHERE recipient_id = $1 AND read_at IS NULL', [user.accountId]);
    return { unread: n as number };
  }

  @Post('read-all')
  @HttpCode(200)
  @ApiOkResponse({ schema: { type: 'object', properties: { marked: { type: 'integer' } } } })
  async readAll(@CurrentUser() user: AuthenticatedUser) {
    const [, marked] = await this.dataSource.query('UPDATE notification SET read_at = now() WHERE recipient_id = $1 AND read_at IS NULL', [user.accountId]);
    return { marked: marked as number };
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ schema: NotificationView })
  @ApiResponse({ status: 404, description: "NOTIFICATIONS.NOT_FOUND: not in the caller's inbox" })
  async read(@CurrentUser() user: AuthenticatedUser, @Param(new ZodBodyPipe(IdParam)) { id }: { id: string }) {
    const [rows] = await this.dataSource.query(
      `UPDATE notification SET read_at = coalesce(read_at, now()) WHERE id = $1 AND recipient_id = $2
       RETURNING id, kind, actor_id, actor_handle, broadcast_id, title, count, created_at, updated_at, read_at`,
      [id, user.accountId],
    );
    if (!rows[0]) throw new NotificationNotFoundError();
    return view(rows[0] as Row);
  }
}

function encodeCursor(at: Date, id: string): string {
  return Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { at: string; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !id || Number.isNaN(Date.parse(at)) || !/^[0-9a-f-]{36}$/.test(id) || !/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(at)) throw new InvalidCursorError();
  return { at, id };
}
