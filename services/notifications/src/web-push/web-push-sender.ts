import { Logger } from '@nestjs/common';
import type { NotificationsCreated } from '@onair/contracts';
import { meter } from '@onair/telemetry';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import type { DataSource } from 'typeorm';
import * as webpush from 'web-push';
import type { VapidKeys } from './vapid-keys.js';

/** Pushes sent at once per pod; a push service answers in tens of milliseconds. */
const CONCURRENCY = 32;
/** A live notification is worthless after its broadcast has moved on. */
const TTL_SECONDS = 15 * 60;

interface Subscription {
  id: string;
  account_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** What a browser's service worker shows. */
function payloadOf(c: NonNullable<NotificationsCreated['content']>): string {
  const who = c.actorHandle ? `@${c.actorHandle}` : 'Someone';
  const text: Record<string, string> = {
    went_live: `${who} is live`,
    went_live_digest: `${c.count} broadcasts went live`,
    followed: `${who} followed you`,
    replay_ready: 'Your replay is ready',
    replay_expiring: 'Your replay expires in an hour',
  };
  const url = c.broadcastId ? `/watch/${c.broadcastId}` : '/';
  return JSON.stringify({ kind: c.kind, title: text[c.kind] ?? 'OnAir', body: c.title.slice(0, 140), url });
}

/**
 * Web Push (VAPID, RFC 8291 encryption by the web-push library) to the recipients' stored
 * browser subscriptions. A push service answering 404 or 410 means the subscription is gone:
 * it is deleted. Other failures are counted and logged, not retried: the notification is in
 * the inbox, and a late go-live push is worse than none.
 */
export class WebPushSender {
  private readonly log = new Logger('WebPushSender');
  private readonly sent = meter('notifications').createCounter('notifications_web_push_total');
  private readonly agent?: Agent;

  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: VapidKeys,
    private readonly options: { subject: string; caFile?: string },
  ) {
    if (options.caFile) this.agent = new Agent({ ca: readFileSync(options.caFile), keepAlive: true });
  }

  async send(batch: NotificationsCreated): Promise<void> {
    const c = batch.content;
    if (!c || batch.deliveries.length === 0) return;
    // Written before the takedown, not pushed yet: a push for a broadcast that is gone is noise.
    if (c.kind === 'went_live' && (await this.dataSource.query('SELECT 1 FROM taken_down_broadcast WHERE broadcast_id = $1', [c.broadcastId])).length > 0) return;
    const subscriptions: Subscription[] = await this.dataSource.query('SELECT id, account_id, endpoint, p256dh, auth FROM push_subscription WHERE account_id = ANY($1::uuid[])', [
      batch.deliveries.map((d) => d.recipientId),
    ]);
    const payload = payloadOf(c);
    let next = 0;
    const worker = async () => {
      while (next < subscriptions.length) await this.pushOne(subscriptions[next++], payload);
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, subscriptions.length) }, worker));
  }

  private async pushOne(s: Subscription, payload: string): Promise<void> {
    try {
      await webpush.sendNotification({ endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } }, payload, {
        vapidDetails: { subject: this.options.subject, publicKey: this.keys.publicKey, privateKey: this.keys.privateKey },
        TTL: TTL_SECONDS,
        timeout: 10_000,
        agent: this.agent,
      });
      this.sent.add(1, { outcome: 'sent' });
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status === 404 || status === 410) {
        await this.dataSource.query('DELETE FROM push_subscription WHERE id = $1', [s.id]);
        this.sent.add(1, { outcome: 'gone' });
        return;
      }
      this.sent.add(1, { outcome: 'failed' });
      this.log.warn(`push to ${new URL(s.endpoint).host} failed (${status ?? (err as Error).message})`);
    }
  }
}
