import { json, sweepOpenApi, TestContext } from '@onair/testing';
import { startNotificationsPlatform } from './notifications.test-app.js';

// Every operation notifications' OpenAPI document lists, first valid (a real notification, a
// known account, a browser subscription for an allowed push service) so the handler runs, then
// with one parameter at a time made hostile: never a 5xx, always a stable error code.
describe('notifications: every endpoint in /openapi.json refuses bad input with a 4xx and a code', () => {
  const ctx = TestContext.create('notif_sweep');
  afterAll(() => ctx.cleanup(), 60_000);

  it('sweeps the whole API', async () => {
    const p = await startNotificationsPlatform(ctx, { NOTIFICATIONS_PUSH_HOSTS: 'push.example.com' });
    const [me, fan] = await Promise.all([ctx.newUser(), ctx.newUser()]);
    expect((await p.call(p.graph.url, 'POST', `/v1/graph/follows/${me.id}`, fan)).status).toBeLessThan(300);
    const [notification] = await p.waitForInbox(me, (i) => i.length === 1, 'a notification');
    const p256dh = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString('base64url');
    const subscription = { endpoint: 'https://push.example.com/send/abc', expirationTime: null, keys: { p256dh, auth: Buffer.alloc(16, 1).toString('base64url') } };
    const created = await p.api('POST', '/v1/notifications/push/subscriptions', me, subscription);
    expect(created.status).toBe(201);
    const { id: subscriptionId } = (await created.json()) as { id: string };

    const doc = await json(await fetch(`${p.pods[0].url}/openapi.json`));
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/v1/notifications',
        '/v1/notifications/unread-count',
        '/v1/notifications/read-all',
        '/v1/notifications/{id}/read',
        '/v1/notifications/preferences',
        '/v1/notifications/mutes',
        '/v1/notifications/mutes/{accountId}',
        '/v1/notifications/push/key',
        '/v1/notifications/push/subscriptions',
        '/v1/notifications/push/subscriptions/{id}',
        '/v1/notifications/stream-tickets',
        '/v1/notifications/stream',
      ].sort(),
    );
    const result = await sweepOpenApi({
      baseUrl: p.pods[0].url,
      authHeader: me.authHeader,
      // A valid ticket opens a stream that does not end; its refusals are in live-push's spec.
      skip: ['GET /v1/notifications/stream'],
      pathValues: { id: [notification.id, subscriptionId], accountId: [fan.id] },
      bodyExamples: { 'POST /v1/notifications/push/subscriptions': subscription, 'PATCH /v1/notifications/preferences': { goLive: true } },
    });
    expect(result.findings).toEqual([]);
    expect(result.reached).toBeGreaterThan(10);
    expect(result.unreached).toEqual([]);
  }, 240_000);
});
