import { TestContext, waitUntil, type TestUser } from '@onair/testing';
import { startNotificationsPlatform, type NotificationsPlatform } from '../notifications.test-app.js';
import { startPushService, type PushService } from './push-service.test-app.js';

// Web Push to a push service on 127.0.0.1 that checks the VAPID signature and decrypts the
// content with the browser's keys, as the real ones do.
describe('notifications: Web Push', () => {
  const ctx = TestContext.create('notif_webpush');
  let p: NotificationsPlatform;
  let push: PushService;
  let owner: TestUser;

  beforeAll(async () => {
    push = await startPushService(ctx);
    p = await startNotificationsPlatform(ctx, {
      NOTIFICATIONS_PUSH_HOSTS: `${push.host},*.push.example`,
      NOTIFICATIONS_PUSH_CA_FILE: push.caFile,
      NOTIFICATIONS_VAPID_SUBJECT: 'mailto:ops@onair.example',
      NOTIFICATIONS_SUBSCRIPTIONS_PER_ACCOUNT: '3',
    });
    owner = await ctx.newUser();
  }, 120_000);
  afterAll(() => ctx.cleanup());

  const follow = async (u: TestUser) => expect((await p.call(p.graph.url, 'POST', `/v1/graph/follows/${owner.id}`, u)).status).toBeLessThan(300);

  it('pushes a go-live to a follower\'s browser with a valid VAPID signature and content only that browser can read', async () => {
    const fan = await ctx.newUser();
    await follow(fan);
    const browser = push.browser();
    const res = await p.api('POST', '/v1/notifications/push/subscriptions', fan, browser.json);
    expect(res.status).toBe(201);
    const { publicKey } = (await (await p.api('GET', '/v1/notifications/push/key', fan)).json()) as { publicKey: string };

    const id = await p.goLive(owner, { title: 'Rooftop sunset' });
    await waitUntil(() => push.delivered.some((d) => d.path === new URL(browser.endpoint).pathname), 20_000, 'the push');
    const d = push.delivered.find((x) => x.path === new URL(browser.endpoint).pathname)!;
    expect(d.vapidKey).toBe(publicKey);
    expect(d.claims.sub).toBe('mailto:ops@onair.example');
    expect(d.payload).toEqual({ kind: 'went_live', title: `@${owner.handle} is live`, body: 'Rooftop sunset', url: `/watch/${id}` });
    expect(push.refused).toEqual([]);
  });

  it('removes a subscription the push service says is gone (410)', async () => {
    const fan = await ctx.newUser();
    await follow(fan);
    const gone = push.browser(410);
    const { id } = (await (await p.api('POST', '/v1/notifications/push/subscriptions', fan, gone.json)).json()) as { id: string };
    const list = async () => ((await (await p.api('GET', '/v1/notifications/push/subscriptions', fan)).json()) as { items: Array<{ id: string }> }).items.map((i) => i.id);
    expect(await list()).toEqual([id]);
    await p.goLive(owner);
    await waitUntil(async () => (await list()).length === 0, 20_000, 'the subscription removed');
  });

  it('refuses endpoints that are not a known push service over https, malformed keys and too many subscriptions', async () => {
    const u = await ctx.newUser();
    const good = push.browser().json;
    const cases: Array<[unknown, number, string]> = [
      [{ ...good, endpoint: `http://${push.host}/push/x` }, 400, 'NOTIFICATIONS.PUSH_ENDPOINT_REFUSED'],
      [{ ...good, endpoint: 'https://169.254.169.254/latest/meta-data' }, 400, 'NOTIFICATIONS.PUSH_ENDPOINT_REFUSED'],
      [{ ...good, endpoint: 'https://localhost:5432/' }, 400, 'NOTIFICATIONS.PUSH_ENDPOINT_REFUSED'],
      [{ ...good, endpoint: 'https://user:pw@fcm.push.example/x' }, 400, 'NOTIFICATIONS.PUSH_ENDPOINT_REFUSED'],
      [{ ...good, endpoint: 'https://evilpush.example/x' }, 400, 'NOTIFICATIONS.PUSH_ENDPOINT_REFUSED'],
      [{ ...good, endpoint: 'not a url' }, 400, 'NOTIFICATIONS.PUSH_ENDPOINT_REFUSED'],
      [{ ...good, keys: { ...good.keys, p256dh: 'AAAA' } }, 400, 'REQUEST.VALIDATION_FAILED'],
      [{ ...good, keys: { ...good.keys, auth: Buffer.alloc(40).toString('base64url') } }, 400, 'REQUEST.VALIDATION_FAILED'],
      [{ ...good, extra: 1 }, 400, 'REQUEST.VALIDATION_FAILED'],
      [{ ...good, endpoint: `https://${push.host}/${'x'.repeat(3000)}` }, 400, 'REQUEST.VALIDATION_FAILED'],
      ['{"endpoint":', 400, 'REQUEST.MALFORMED_JSON'],
    ];
    for (const [body, status, code] of cases) {
      const res = await p.api('POST', '/v1/notifications/push/subscriptions', u, body);
      expect({ body, status: res.status, code: ((await res.json()) as { error?: { code: string } }).error?.code }).toEqual({ body, status, code });
    }
    // A subdomain of an allowed `*.` host is fine.
    expect((await p.api('POST', '/v1/notifications/push/subscriptions', u, { ...good, endpoint: 'https://fcm.push.example/send/abc' })).status).toBe(201);
    // The same endpoint again updates it; three is the limit here.
    expect((await p.api('POST', '/v1/notifications/push/subscriptions', u, good)).status).toBe(201);
    expect((await p.api('POST', '/v1/notifications/push/subscriptions', u, good)).status).toBe(201);
    expect((await p.api('POST', '/v1/notifications/push/subscriptions', u, push.browser().json)).status).toBe(201);
    const over = await p.api('POST', '/v1/notifications/push/subscriptions', u, push.browser().json);
    expect([over.status, ((await over.json()) as { error: { code: string } }).error.code]).toEqual([409, 'NOTIFICATIONS.TOO_MANY_SUBSCRIPTIONS']);
    expect((await p.api('DELETE', '/v1/notifications/push/subscriptions/00000000-0000-4000-8000-000000000000', u)).status).toBe(404);
  });
});
