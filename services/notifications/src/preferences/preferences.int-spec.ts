import { TestContext, waitUntil, type TestUser } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { startNotificationsPlatform, type NotificationsPlatform } from '../notifications.test-app.js';

const errorOf = async (res: Response) => [res.status, ((await res.json()) as { error: { code: string } }).error.code];

describe('notifications: preferences and mutes', () => {
  const ctx = TestContext.create('notif_prefs');
  let p: NotificationsPlatform;
  let me: TestUser;

  beforeAll(async () => {
    p = await startNotificationsPlatform(ctx);
    me = await ctx.newUser();
  }, 120_000);
  afterAll(() => ctx.cleanup());

  it('keeps which kinds a user gets, all on until changed, one field at a time', async () => {
    expect(await (await p.api('GET', '/v1/notifications/preferences', me)).json()).toEqual({ goLive: true, followers: true, replays: true });
    expect(await (await p.api('PATCH', '/v1/notifications/preferences', me, { goLive: false })).json()).toEqual({ goLive: false, followers: true, replays: true });
    expect(await (await p.api('PATCH', '/v1/notifications/preferences', me, { replays: false, goLive: true })).json()).toEqual({ goLive: true, followers: true, replays: false });
    expect(await (await p.api('GET', '/v1/notifications/preferences', me)).json()).toEqual({ goLive: true, followers: true, replays: false });
    for (const bad of [{}, { goLive: 'yes' }, { email: true }, [], 'null', '{"goLive":', { goLive: true, x: 'y'.repeat(200_000) }]) {
      const res = await p.api('PATCH', '/v1/notifications/preferences', me, bad);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(((await res.json()) as { error: { code: string } }).error.code).toMatch(/^REQUEST\./);
    }
    expect(await (await p.api('GET', '/v1/notifications/preferences', me)).json()).toEqual({ goLive: true, followers: true, replays: false });
  });

  it('mutes and unmutes accounts it knows, lists them with handles, and refuses unknown ones and oneself', async () => {
    const [ann, bob] = await Promise.all([ctx.newUser(), ctx.newUser()]);
    // Accounts become known from identity's events.
    await waitUntil(async () => (await p.api('PUT', `/v1/notifications/mutes/${ann.id}`, me)).status === 204, 15_000, 'ann muted');
    await waitUntil(async () => (await p.api('PUT', `/v1/notifications/mutes/${bob.id}`, me)).status === 204, 15_000, 'bob muted');
    expect((await p.api('PUT', `/v1/notifications/mutes/${bob.id.toUpperCase()}`, me)).status).toBe(204);
    const list = (await (await p.api('GET', '/v1/notifications/mutes?limit=1', me)).json()) as { items: Array<{ accountId: string; handle: string }>; nextCursor: string };
    expect(list.items).toHaveLength(1);
    const rest = (await (await p.api('GET', `/v1/notifications/mutes?cursor=${list.nextCursor}`, me)).json()) as { items: Array<{ accountId: string; handle: string }>; nextCursor: null };
    const all = [...list.items, ...rest.items];
    expect(all.sort((a, b) => a.accountId.localeCompare(b.accountId))).toEqual(
      [ann, bob].map((u) => ({ accountId: u.id, handle: u.handle })).sort((a, b) => a.accountId.localeCompare(b.accountId)),
    );
    expect(rest.nextCursor).toBeNull();

    expect((await p.api('DELETE', `/v1/notifications/mutes/${ann.id}`, me)).status).toBe(204);
    expect((await p.api('DELETE', `/v1/notifications/mutes/${ann.id}`, me)).status).toBe(204);
    expect(((await (await p.api('GET', '/v1/notifications/mutes', me)).json()) as { items: unknown[] }).items).toHaveLength(1);

    expect(await errorOf(await p.api('PUT', `/v1/notifications/mutes/${randomUUID()}`, me))).toEqual([404, 'NOTIFICATIONS.ACCOUNT_NOT_FOUND']);
    expect(await errorOf(await p.api('PUT', `/v1/notifications/mutes/${me.id}`, me))).toEqual([400, 'NOTIFICATIONS.CANNOT_MUTE_SELF']);
    expect(await errorOf(await p.api('PUT', '/v1/notifications/mutes/42', me))).toEqual([400, 'REQUEST.VALIDATION_FAILED']);
    expect(await errorOf(await p.api('GET', '/v1/notifications/mutes?cursor=abc', me))).toEqual([400, 'REQUEST.VALIDATION_FAILED']);
  });

  it('caps mutes per account, also under concurrent requests', async () => {
    const heavy = await ctx.newUser();
    const known: string[] = (await p.sql<{ id: string }>('SELECT gen_random_uuid()::text AS id FROM generate_series(1, 5010)')).map((r) => r.id);
    await p.sql(`INSERT INTO account_name (account_id, handle, display_name) SELECT id, 'm' || substr(md5(id::text), 1, 12), '' FROM unnest($1::uuid[]) AS id`, [known]);
    await p.sql('INSERT INTO mute (account_id, muted_id) SELECT $1, unnest($2::uuid[])', [heavy.id, known.slice(0, 4990)]);
    const answers = await Promise.all(known.slice(4990).map((id) => p.api('PUT', `/v1/notifications/mutes/${id}`, heavy)));
    expect(answers.filter((r) => r.status === 204)).toHaveLength(10);
    const refused = answers.filter((r) => r.status !== 204);
    expect(refused).toHaveLength(10);
    expect(await errorOf(refused[0])).toEqual([409, 'NOTIFICATIONS.TOO_MANY_MUTES']);
    expect(await p.sql('SELECT count(*)::int AS n FROM mute WHERE account_id = $1', [heavy.id])).toEqual([{ n: 5000 }]);
  });
});
