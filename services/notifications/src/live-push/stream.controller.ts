import { Controller, Get, HttpCode, Inject, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Public, type AuthenticatedUser } from '@onair/auth';
import { ZodBodyPipe } from '@onair/http';
import type { Response } from 'express';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { StreamTicketInvalidError, TooManyStreamsError, TooManyStreamTicketsError } from './live-push.errors.js';
import { LiveStreams } from './live-streams.js';

export const TICKET_SECONDS = 60;
/** Valid unused tickets one account may hold (a page needs one per (re)connect). */
export const MAX_UNUSED_TICKETS = 20;
const hash = (ticket: string) => createHash('sha256').update(ticket).digest('hex');
const StreamQuery = z.strictObject({ ticket: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a ticket from POST /v1/notifications/stream-tickets') });

/**
 * Notifications as they happen, as Server-Sent Events. A page's EventSource cannot send an
 * Authorization header, so the page first trades its access token for a single-use ticket
 * valid 60 s (POST, with the header), then opens the stream with it in the query. The stream
 * ends when the sign-in session is revoked.
 */
@ApiTags('notifications')
@Controller('v1/notifications')
export class StreamController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(LiveStreams) private readonly streams: LiveStreams,
  ) {}

  @Post('stream-tickets')
  @HttpCode(201)
  @ApiBearerAuth()
  @ApiResponse({ status: 201, schema: { type: 'object', properties: { ticket: { type: 'string' }, expiresInSeconds: { type: 'integer' } } } })
  @ApiResponse({ status: 429, description: 'NOTIFICATIONS.TOO_MANY_STREAM_TICKETS: that many unused tickets are still valid' })
  async ticket(@CurrentUser() user: AuthenticatedUser) {
    const ticket = randomBytes(32).toString('base64url');
    // One statement, under the account's lock: unused tickets are rows, and a client looping on
    // this endpoint must not grow the table (nor race past the cap with concurrent requests).
    const issued = await this.dataSource.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 9))', [user.accountId]);
      const rows: unknown[] = await m.query(
        `INSERT INTO stream_ticket (ticket_hash, account_id, session_id, expires_at)
         SELECT $1, $2, $3, now() + $4 * interval '1 second'
          WHERE (SELECT count(*) FROM stream_ticket WHERE account_id = $2 AND expires_at > now()) < $5
         RETURNING 1`,
        [hash(ticket), user.accountId, user.sessionId, TICKET_SECONDS, MAX_UNUSED_TICKETS],
      );
      return rows.length === 1;
    });
    if (!issued) throw new TooManyStreamTicketsError(MAX_UNUSED_TICKETS);
    return { ticket, expiresInSeconds: TICKET_SECONDS };
  }

  @Get('stream')
  @Public()
  @ApiQuery({ name: 'ticket', description: 'from POST /v1/notifications/stream-tickets; single use' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'events `notification` (data: the notification, as in the inbox), `closed` (data: {code}) before the server ends it; comment lines every 20 s' })
  @ApiResponse({ status: 401, description: 'NOTIFICATIONS.STREAM_TICKET_INVALID' })
  @ApiResponse({ status: 429, description: 'NOTIFICATIONS.TOO_MANY_STREAMS' })
  async stream(@Query(new ZodBodyPipe(StreamQuery)) { ticket }: { ticket: string }, @Res() res: Response): Promise<void> {
    const [rows] = await this.dataSource.query('DELETE FROM stream_ticket WHERE ticket_hash = $1 RETURNING account_id, session_id, expires_at > now() AS valid', [hash(ticket)]);
    const found = (rows as Array<{ account_id: string; session_id: string; valid: boolean }>)[0];
    if (!found?.valid) throw new StreamTicketInvalidError();
    const room = this.streams.room(found.account_id);
    if (room !== 'ok') throw new TooManyStreamsError(room);
    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-store');
    // No buffering by proxies in front (nginx and its ingress honour this).
    res.setHeader('x-accel-buffering', 'no');
    res.flushHeaders();
    res.write(': connected\n\n');
    this.streams.open(found.account_id, found.session_id, res);
  }
}
