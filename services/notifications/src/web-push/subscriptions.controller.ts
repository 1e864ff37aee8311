import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '@onair/auth';
import { openApiSchema, ZodBodyPipe } from '@onair/http';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from '../config.js';
import { pushEndpointAllowed } from './push-endpoint.js';
import type { VapidKeys } from './vapid-keys.js';
import { PushEndpointRefusedError, SubscriptionNotFoundError, TooManySubscriptionsError } from './web-push.errors.js';

export const VAPID_KEYS = Symbol('VapidKeys');

const base64url = (bytes: number, what: string) =>
  z.string().regex(/^[A-Za-z0-9_-]+={0,2}$/, `${what}: base64url`).refine((s) => Buffer.from(s, 'base64url').length === bytes, `${what}: ${bytes} bytes`);

/** A browser's PushSubscription.toJSON(), as the page sends it. */
const SubscriptionBody = z.strictObject({
  endpoint: z.string().max(2048),
  expirationTime: z.number().nullable().optional(),
  keys: z.strictObject({
    // An uncompressed P-256 point (65 bytes, 0x04 first) and the 16-byte auth secret.
    p256dh: base64url(65, 'p256dh').refine((s) => Buffer.from(s, 'base64url')[0] === 4, 'p256dh: an uncompressed P-256 point'),
    auth: base64url(16, 'auth'),
  }),
});
type SubscriptionBody = z.infer<typeof SubscriptionBody>;
const IdParam = z.strictObject({ id: z.uuid().transform((id) => id.toLowerCase()) });

/** Web Push: the key pages subscribe with, and the caller's browsers to notify. */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('v1/notifications/push')
export class SubscriptionsController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(NOTIFICATIONS_CONFIG) private readonly config: NotificationsConfig,
    @Inject(VAPID_KEYS) private readonly keys: VapidKeys,
  ) {}

  @Get('key')
  @ApiOkResponse({ schema: { type: 'object', properties: { publicKey: { type: 'string', description: 'applicationServerKey for PushManager.subscribe()' } } } })
  key() {
    return { publicKey: this.keys.publicKey };
  }

  @Get('subscriptions')
  @ApiOkResponse({ schema: { type: 'object', properties: { items: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, endpoint: { type: 'string' }, createdAt: { type: 'string' } } } } } } })
  async list(@CurrentUser() user: AuthenticatedUser) {
    const rows: Array<{ id: string; endpoint: string; created_at: Date }> = await this.dataSource.query('SELECT id, endpoint, created_at FROM push_subscription WHERE account_id = $1 ORDER BY created_at', [user.accountId]);
    return { items: rows.map((r) => ({ id: r.id, endpoint: r.endpoint, createdAt: r.created_at.toISOString() })) };
  }

  @Post('subscriptions')
  @HttpCode(201)
  @ApiBody({ schema: openApiSchema(SubscriptionBody) })
  @ApiResponse({ status: 201, schema: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } } } })
  @ApiResponse({ status: 400, description: 'REQUEST.VALIDATION_FAILED, NOTIFICATIONS.PUSH_ENDPOINT_REFUSED (not https, or not a known push service)' })
  @ApiResponse({ status: 409, description: 'NOTIFICATIONS.TOO_MANY_SUBSCRIPTIONS' })
  async subscribe(@CurrentUser() user: AuthenticatedUser, @Body(new ZodBodyPipe(SubscriptionBody)) body: SubscriptionBody) {
    const allowed = pushEndpointAllowed(body.endpoint, this.config.push.hosts);
    if (!allowed.ok) throw new PushEndpointRefusedError(allowed.host);
    return this.dataSource.transaction(async (m) => {
      // Serialises one account's subscribes, so the limit holds under concurrent requests.
      await m.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 7))', [user.accountId]);
      const [existing] = (await m.query('SELECT id FROM push_subscription WHERE account_id = $1 AND endpoint = $2', [user.accountId, body.endpoint])) as Array<{ id: string }>;
      if (existing) {
        await m.query('UPDATE push_subscription SET p256dh = $2, auth = $3 WHERE id = $1', [existing.id, body.keys.p256dh, body.keys.auth]);
        return { id: existing.id };
      }
      const [{ n }] = (await m.query('SELECT count(*)::int AS n FROM push_subscription WHERE account_id = $1', [user.accountId])) as Array<{ n: number }>;
      if (n >= this.config.push.perAccount) throw new TooManySubscriptionsError(this.config.push.perAccount);
      const id = randomUUID();
      await m.query('INSERT INTO push_subscription (id, account_id, endpoint, p256dh, auth) VALUES ($1, $2, $3, $4, $5)', [id, user.accountId, body.endpoint, body.keys.p256dh, body.keys.auth]);
      return { id };
    });
  }

  @Delete('subscriptions/:id')
  @HttpCode(204)
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 404, description: 'NOTIFICATIONS.SUBSCRIPTION_NOT_FOUND' })
  async unsubscribe(@CurrentUser() user: AuthenticatedUser, @Param(new ZodBodyPipe(IdParam)) { id }: { id: string }) {
    const [, deleted] = await this.dataSource.query('DELETE FROM push_subscription WHERE id = $1 AND account_id = $2', [id, user.accountId]);
    if (deleted === 0) throw new SubscriptionNotFoundError();
  }
}
