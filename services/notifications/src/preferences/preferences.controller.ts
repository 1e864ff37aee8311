import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '@onair/auth';
import { openApiSchema, ZodBodyPipe } from '@onair/http';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { AccountNotFoundError, CannotMuteSelfError, TooManyMutesError } from './preferences.errors.js';

export const MAX_MUTES = 5000;

const PreferencesBody = z
  .strictObject({ goLive: z.boolean().optional(), followers: z.boolean().optional(), replays: z.boolean().optional() })
  .refine((b) => Object.keys(b).length > 0, { message: 'at least one of goLive, followers, replays' });
type PreferencesBody = z.infer<typeof PreferencesBody>;
const AccountParam = z.strictObject({ accountId: z.uuid().transform((id) => id.toLowerCase()) });
const MutesQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100), cursor: z.uuid().optional() });
type MutesQuery = z.infer<typeof MutesQuery>;

const PreferencesView = {
  type: 'object',
  properties: {
    goLive: { type: 'boolean', description: 'accounts you follow going live' },
    followers: { type: 'boolean', description: 'someone following you' },
    replays: { type: 'boolean', description: 'your replays ready or about to expire' },
  },
};

/** Which kinds of notifications the caller gets, and whose go-lives (and follows) they never hear about. */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('v1/notifications')
export class PreferencesController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('preferences')
  @ApiOkResponse({ schema: PreferencesView })
  async get(@CurrentUser() user: AuthenticatedUser) {
    const [row] = (await this.dataSource.query('SELECT go_live, followers, replays FROM preference WHERE account_id = $1', [user.accountId])) as Array<Record<string, boolean>>;
    return { goLive: row?.go_live ?? true, followers: row?.followers ?? true, replays: row?.replays ?? true };
  }

  @Patch('preferences')
  @ApiBody({ schema: openApiSchema(PreferencesBody) })
  @ApiOkResponse({ schema: PreferencesView })
  async update(@CurrentUser() user: AuthenticatedUser, @Body(new ZodBodyPipe(PreferencesBody)) b: PreferencesBody) {
    const [row] = (await this.dataSource.query(
      `INSERT INTO preference (account_id, go_live, followers, replays) VALUES ($1, coalesce($2, true), coalesce($3, true), coalesce($4, true))
       ON CONFLICT (account_id) DO UPDATE SET go_live = coalesce($2, preference.go_live), followers = coalesce($3, preference.followers), replays = coalesce($4, preference.replays)
       RETURNING go_live, followers, replays`,
      [user.accountId, b.goLive ?? null, b.followers ?? null, b.replays ?? null],
    )) as Array<Record<string, boolean>>;
    return { goLive: row.go_live, followers: row.followers, replays: row.replays };
  }

  @Get('mutes')
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 500 } })
  @ApiQuery({ name: 'cursor', required: false, schema: { type: 'string', format: 'uuid' } })
  @ApiOkResponse({ schema: { type: 'object', properties: { items: { type: 'array', items: { type: 'object', properties: { accountId: { type: 'string' }, handle: { type: 'string', nullable: true } } } }, nextCursor: { type: 'string', nullable: true } } } })
  async mutes(@CurrentUser() user: AuthenticatedUser, @Query(new ZodBodyPipe(MutesQuery)) q: MutesQuery) {
    const rows: Array<{ muted_id: string; handle: string | null }> = await this.dataSource.query(
      `SELECT m.muted_id, a.handle FROM mute m LEFT JOIN account_name a ON a.account_id = m.muted_id
        WHERE m.account_id = $1 AND ($2::uuid IS NULL OR m.muted_id > $2) ORDER BY m.muted_id LIMIT $3`,
      [user.accountId, q.cursor ?? null, q.limit + 1],
    );
    const page = rows.slice(0, q.limit);
    return { items: page.map((r) => ({ accountId: r.muted_id, handle: r.handle })), nextCursor: rows.length > q.limit ? page[page.length - 1].muted_id : null };
  }

  @Put('mutes/:accountId')
  @HttpCode(204)
  @ApiParam({ name: 'accountId', format: 'uuid' })
  @ApiResponse({ status: 204, description: 'muted (again)' })
  @ApiResponse({ status: 400, description: 'NOTIFICATIONS.CANNOT_MUTE_SELF' })
  @ApiResponse({ status: 404, description: 'NOTIFICATIONS.ACCOUNT_NOT_FOUND' })
  @ApiResponse({ status: 409, description: 'NOTIFICATIONS.TOO_MANY_MUTES' })
  async mute(@CurrentUser() user: AuthenticatedUser, @Param(new ZodBodyPipe(AccountParam)) { accountId }: { accountId: string }) {
    if (accountId === user.accountId) throw new CannotMuteSelfError();
    await this.dataSource.transaction(async (m) => {
      const [known] = await m.query('SELECT 1 FROM account_name WHERE account_id = $1', [accountId]);
      if (!known) throw new AccountNotFoundError();
      await m.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 8))', [user.accountId]);
      const [{ n }] = (await m.query('SELECT count(*)::int AS n FROM mute WHERE account_id = $1', [user.accountId])) as Array<{ n: number }>;
      const [added] = await m.query('INSERT INTO mute (account_id, muted_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1', [user.accountId, accountId]);
      if (added && n >= MAX_MUTES) throw new TooManyMutesError(MAX_MUTES);
    });
  }

  @Delete('mutes/:accountId')
  @HttpCode(204)
  @ApiParam({ name: 'accountId', format: 'uuid' })
  async unmute(@CurrentUser() user: AuthenticatedUser, @Param(new ZodBodyPipe(AccountParam)) { accountId }: { accountId: string }) {
    await this.dataSource.query('DELETE FROM mute WHERE account_id = $1 AND muted_id = $2', [user.accountId, accountId]);
  }
}
