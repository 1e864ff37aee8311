import type { INestApplication } from '@nestjs/common';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { AccountDeletedEvent, AccountProfileUpdatedEvent } from '@onair/contracts';
import { EventCollector, json, TestContext, waitUntil } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '../config.js';
import { createIdentityApp } from '../identity-app.js';

startTelemetry({ serviceName: 'identity' });
const PASSWORD = 'meadow-signal-77';
// A real 1x1 PNG.
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');

describe('profiles, avatars and account deletion', () => {
  const ctx = TestContext.create('identity_profiles');
  const avatarDir = mkdtempSync(join(tmpdir(), 'onair-avatars-'));
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    app = await createIdentityApp(
      loadConfig({
        DATABASE_URL: ctx.infra.pgUrl,
        DATABASE_SCHEMA: ctx.schema('identity'),
        KAFKA_BROKERS: ctx.infra.kafkaBrokers.join(','),
        KAFKA_TOPIC_PREFIX: ctx.topicPrefix,
        LOG_LEVEL: 'error',
        PASSWORD_SCRYPT_LOG_N: '12',
        AVATAR_DIR: avatarDir,
        AVATAR_MAX_BYTES: '4096',
      }),
    );
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
    ctx.onCleanup(() => app.close());
  });
  afterAll(() => ctx.cleanup());

  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : Buffer.isBuffer(body) ? body : JSON.stringify(body),
    });
  async function user(handle: string) {
    expect((await call('POST', '/v1/accounts', { handle, email: `${handle}@example.org`, password: PASSWORD })).status).toBe(201);
    const tokens = await json(await call('POST', '/v1/sessions', { login: handle, password: PASSWORD }));
    return { authorization: `Bearer ${tokens.accessToken}`, refreshToken: tokens.refreshToken as string };
  }

  it('shows a public profile by handle (any case) and lets its owner edit name and bio', async () => {
    const auth = await user('pia');
    const edited = await call('PATCH', '/v1/users/me', { displayName: 'Pia Live', bio: 'Sunsets from Lisbon' }, auth);
    expect(edited.status).toBe(200);
    const profile = await json(await call('GET', '/v1/users/PIA'));
    expect(profile).toMatchObject({ handle: 'pia', displayName: 'Pia Live', bio: 'Sunsets from Lisbon', avatarUrl: null });
    expect(profile.email).toBeUndefined();
  });

  it('publishes account.profile_updated.v1 with the new name after a PATCH that changes it, and nothing after one that changes nothing', async () => {
    const updated = await EventCollector.start(ctx, AccountProfileUpdatedEvent);
    const auth = await user('sol');
    const me = await json(await call('GET', '/v1/users/me', undefined, auth));
    const ofSol = () => updated.events.filter((e) => e.key === me.id);
    const patch = async (body: object) => expect((await call('PATCH', '/v1/users/me', body, auth)).status).toBe(200);

    const before = Date.now();
    await patch({ displayName: 'Sol Rising', bio: 'first light' });
    await waitUntil(() => ofSol().length >= 1, 30_000, 'account.profile_updated.v1 of sol');
    const [event] = ofSol();
    expect(event.message).toMatchObject({ accountId: me.id, handle: 'sol', displayName: 'Sol Rising' });
    expect(event.headers.ce_type).toBe('account.profile_updated.v1');
    expect(timestampDate(event.message.updatedAt!).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(timestampDate(event.message.updatedAt!).getTime()).toBeLessThanOrEqual(Date.now());

    // Changes to nothing an event carries: the same name again, the bio alone, both at once.
    await patch({ displayName: 'Sol Rising' });
    await patch({ bio: 'second light' });
    await patch({ displayName: 'Sol Rising', bio: 'third light' });
    expect((await json(await call('GET', '/v1/users/sol'))).bio).toBe('third light');
    // One account's events share a key (one partition) and the outbox relays in commit order,
    // so an event of the no-op updates would arrive before this one's.
    await patch({ displayName: 'Sol Setting' });
    await waitUntil(() => ofSol().length >= 2, 30_000, 'the second account.profile_updated.v1 of sol');
    expect(ofSol().map((e) => e.message.displayName)).toEqual(['Sol Rising', 'Sol Setting']);
  });

  it('changes the display name only together with its event: an outbox that refuses the event leaves the name as it was', async () => {
    const auth = await user('tao');
    const pg = new Client({ connectionString: ctx.infra.pgUrl, options: `-c search_path=${ctx.schema('identity')}` });
    await pg.connect();
    try {
      await pg.query(`CREATE FUNCTION refuse_profile_event() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.event_type = 'account.profile_updated.v1' THEN RAISE EXCEPTION 'outbox refused'; END IF; RETURN NEW; END $$`);
      await pg.query('CREATE TRIGGER refuse_profile_event BEFORE INSERT ON outbox_event FOR EACH ROW EXECUTE FUNCTION refuse_profile_event()');
      expect((await call('PATCH', '/v1/users/me', { displayName: 'Tao Lost' }, auth)).status).toBe(500);
    } finally {
      await pg.query('DROP TRIGGER IF EXISTS refuse_profile_event ON outbox_event');
      await pg.query('DROP FUNCTION IF EXISTS refuse_profile_event()');
      await pg.end();
    }
    expect((await json(await call('GET', '/v1/users/tao'))).displayName).toBe('tao');
  });

  it.each([
    ['no field', {}],
    ['an unknown field', { handle: 'x' }],
    ['an overlong bio', { bio: 'b'.repeat(161) }],
    ['an empty display name', { displayName: '   ' }],
    ['a bidi override in the display name', { displayName: 'admin\u202Egnp.exe' }],
    ['a bidi isolate in the bio', { bio: 'hello \u2067world' }],
    ['a control character in the bio', { bio: 'ring \u0007 the bell' }],
    ['a line break in the display name', { displayName: 'two\nlines' }],
  ])('refuses a profile edit with %s', async (_what, body) => {
    const auth = await user(`edit${Math.floor(Math.random() * 1e6)}`);
    const res = await call('PATCH', '/v1/users/me', body, auth);
    expect(res.status).toBe(400);
    const { error } = await json(res);
    expect(error.code).toBe('REQUEST.VALIDATION_FAILED');
    expect(error.details.fields.map((f: { field: string }) => f.field)).toEqual(expect.arrayContaining([Object.keys(body)[0] ?? '']));
  });

  it('keeps line breaks in a bio and emoji sequences in names; refuses a bidi override at sign-up', async () => {
    const auth = await user(`emoji${Math.floor(Math.random() * 1e6)}`);
    const res = await call('PATCH', '/v1/users/me', { displayName: '👩‍🚀 Ana', bio: 'line one\r\nline two' }, auth);
    expect(await json(res)).toMatchObject({ displayName: '👩‍🚀 Ana', bio: 'line one\nline two' });
    const handle = `rlo${Math.floor(Math.random() * 1e6)}`;
    const signUp = await call('POST', '/v1/accounts', { handle, email: `${handle}@example.org`, password: PASSWORD, displayName: 'x\u202Ey' });
    expect(signUp.status).toBe(400);
    expect((await json(signUp)).error.details.fields[0].field).toBe('displayName');
  });

  it('answers unknown and malformed handles with 404 and 400', async () => {
    expect((await json(await call('GET', '/v1/users/nobody_here'))).error.code).toBe('IDENTITY.USER_NOT_FOUND');
    const bad = await call('GET', `/v1/users/${encodeURIComponent("x' OR 1=1 --")}`);
    expect(bad.status).toBe(400);
  });

  it('looks profiles up by account id for a signed-in caller: unknown ids left out, bad or too many ids refused', async () => {
    const auth = await user('ids_asker');
    await user('ids_one');
    const one = await json(await call('GET', '/v1/users/ids_one'));
    const me = await json(await call('GET', '/v1/users/me', undefined, auth));
    const unknown = '00000000-0000-4000-8000-000000000000';
    const found = await call('GET', `/v1/users?ids=${one.id},${me.id.toUpperCase()},${unknown},${one.id}`, undefined, auth);
    expect(found.status).toBe(200);
    const { items } = await json(found);
    expect(items.map((p: { handle: string }) => p.handle).sort()).toEqual(['ids_asker', 'ids_one']);
    expect(items[0].email).toBeUndefined();

    expect((await call('GET', `/v1/users?ids=${one.id}`)).status).toBe(401);
    for (const ids of ['', 'not-an-id', `${one.id},1 OR 1=1`, Array.from({ length: 101 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`).join(',')]) {
      const refused = await call('GET', `/v1/users?ids=${encodeURIComponent(ids)}`, undefined, auth);
      expect([ids.slice(0, 20), refused.status, (await json(refused)).error.code]).toEqual([ids.slice(0, 20), 400, 'REQUEST.VALIDATION_FAILED']);
    }
    // 100 is the limit, not past it.
    const hundred = Array.from({ length: 100 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`).join(',');
    expect((await call('GET', `/v1/users?ids=${hundred}`, undefined, auth)).status).toBe(200);
  });

  it('stores an avatar after checking its type and size, and serves it', async () => {
    const auth = await user('quinn');
    const put = (body: Buffer, type: string) => call('PUT', '/v1/users/me/avatar', body, { ...auth, 'content-type': type });
    expect((await put(PNG, 'image/png')).status).toBe(204);
    const got = await call('GET', '/v1/users/quinn/avatar');
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await got.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await json(await call('GET', '/v1/users/quinn'))).avatarUrl).toBe('/v1/users/quinn/avatar');

    const mismatch = await put(PNG, 'image/jpeg');
    expect(mismatch.status).toBe(400);
    expect((await json(mismatch)).error.code).toBe('IDENTITY.AVATAR_UNSUPPORTED_TYPE');
    expect((await json(await put(Buffer.from('<svg onload=alert(1)></svg>'), 'image/png'))).error.code).toBe('IDENTITY.AVATAR_UNSUPPORTED_TYPE');
    const huge = await put(Buffer.concat([PNG, Buffer.alloc(8192)]), 'image/png');
    expect(huge.status).toBe(413);
    expect((await json(huge)).error.code).toBe('REQUEST.BODY_TOO_LARGE');
    expect((await call('PUT', '/v1/users/me/avatar', PNG, { 'content-type': 'image/png' })).status).toBe(401);
  });

  it('deletes an account only with its password, publishes account.deleted.v1 and forgets everything', async () => {
    const deleted = await EventCollector.start(ctx, AccountDeletedEvent);
    const auth = await user('rosa');
    await call('PUT', '/v1/users/me/avatar', PNG, { ...auth, 'content-type': 'image/png' });
    const me = await json(await call('GET', '/v1/users/me', undefined, auth));

    const wrong = await call('DELETE', '/v1/accounts/me', { password: 'not-my-password' }, auth);
    expect((await json(wrong)).error.code).toBe('IDENTITY.INVALID_CREDENTIALS');
    expect((await call('DELETE', '/v1/accounts/me', { password: PASSWORD }, auth)).status).toBe(204);

    const [event] = await deleted.waitFor(1);
    expect(event.message.accountId).toBe(me.id);
    expect(event.key).toBe(me.id);
    expect((await call('GET', '/v1/users/rosa')).status).toBe(404);
    expect((await call('POST', '/v1/sessions/refresh', { refreshToken: auth.refreshToken })).status).toBe(401);
    expect(readdirSync(avatarDir)).not.toContain(me.id);
    // The handle is free again.
    expect((await call('POST', '/v1/accounts', { handle: 'rosa', email: 'rosa@example.org', password: PASSWORD })).status).toBe(201);
  });

  it('checks the password of an account deletion through the sign-in limits: 429 after 5 wrong ones, even for the right one', async () => {
    const auth = await user(`guard${Math.floor(Math.random() * 1e6)}`);
    const del = (password: string) => call('DELETE', '/v1/accounts/me', { password }, { ...auth, 'x-forwarded-for': '10.20.0.1' });
    for (let i = 0; i < 5; i++) expect((await json(await del('not-my-password'))).error.code).toBe('IDENTITY.INVALID_CREDENTIALS');
    const limited = await del(PASSWORD);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await json(limited)).error.code).toBe('IDENTITY.SIGN_IN_RATE_LIMITED');
    expect((await call('GET', '/v1/users/me', undefined, auth)).status).toBe(200); // still there
  });
});
