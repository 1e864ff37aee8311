import type { INestApplication } from '@nestjs/common';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER } from '@onair/auth';
import { json, TestContext, waitUntil } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { decodeProtectedHeader, importJWK, SignJWT } from 'jose';
import { Client } from 'pg';
import { loadConfig } from '../config.js';
import { createIdentityApp } from '../identity-app.js';
import { SigningKeys } from '../signing-keys/signing-keys.service.js';

startTelemetry({ serviceName: 'identity' });
const PASSWORD = 'lantern-orbit-42';

describe('sessions: sign-in, tokens, refresh rotation, sign-out, key rotation, rate limits', () => {
  const ctx = TestContext.create('identity_sessions');
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
        PASSWORD_SCRYPT_LOG_N: '14',
        KEY_PUBLISH_AHEAD_SECONDS: '0',
        SIGN_IN_MAX_FAILURES_PER_ACCOUNT_AND_IP: '3',
        SIGN_IN_MAX_FAILURES_PER_ACCOUNT: '8',
        SIGN_IN_MAX_FAILURES_PER_IP: '6',
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
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  let n = 0;
  async function signUp() {
    const handle = `user${++n}`;
    expect((await call('POST', '/v1/accounts', { handle, email: `${handle}@example.org`, password: PASSWORD })).status).toBe(201);
    return handle;
  }
  async function signIn(login: string, password = PASSWORD, ip = '10.0.0.1') {
    return call('POST', '/v1/sessions', { login, password }, { 'x-forwarded-for': ip });
  }

  it('signs in by handle or email and the access token opens /v1/users/me', async () => {
    const handle = await signUp();
    for (const login of [handle, `${handle.toUpperCase()}@EXAMPLE.ORG`]) {
      const res = await signIn(login);
      expect(res.status).toBe(201);
      const tokens = await json(res);
      expect(tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 600 });
      const me = await call('GET', '/v1/users/me', undefined, bearer(tokens.accessToken));
      expect(me.status).toBe(200);
      expect(await json(me)).toMatchObject({ handle, email: `${handle}@example.org` });
    }
  });

  it('answers a wrong password and an unknown account alike, taking the same path through the hash', async () => {
    const handle = await signUp();
    const timed = async (login: string) => {
      const started = performance.now();
      const res = await signIn(login, 'wrong-password-1', `10.1.0.${++n}`);
      return { ms: performance.now() - started, status: res.status, code: (await json(res)).error.code };
    };
    const wrong = [await timed(handle), await timed(handle)];
    const unknown = [await timed('nobody_here'), await timed('nobody_else')];
    for (const r of [...wrong, ...unknown]) expect(r).toMatchObject({ status: 401, code: 'IDENTITY.INVALID_CREDENTIALS' });
    // Both run one scrypt of the same cost (2^14 here): an unknown account is not answered early.
    const fastest = Math.min(...wrong.map((r) => r.ms));
    expect(Math.min(...unknown.map((r) => r.ms))).toBeGreaterThan(fastest * 0.4);
  });

  async function expectLimited(res: Response) {
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await json(res)).error.code).toBe('IDENTITY.SIGN_IN_RATE_LIMITED');
  }

  it('limits failed sign-ins per (account, client IP): that client gets 429 even with the right password, the owner elsewhere does not', async () => {
    const handle = await signUp();
    for (let i = 0; i < 3; i++) expect((await signIn(handle, 'bad-password-x', '10.2.0.1')).status).toBe(401);
    await expectLimited(await signIn(handle, PASSWORD, '10.2.0.1'));
    // The stranger at 10.2.0.1 does not lock the owner out.
    expect((await signIn(handle, PASSWORD, '10.2.0.2')).status).toBe(201);
    // Another account from the same client is not affected either.
    expect((await signIn(await signUp(), PASSWORD, '10.2.0.1')).status).toBe(201);
  });

  it('caps failures per account from all IPs, except from IPs the account signed in from recently', async () => {
    const handle = await signUp();
    expect((await signIn(handle, PASSWORD, '10.4.0.99')).status).toBe(201); // the owner's usual IP
    for (let i = 0; i < 8; i++) expect((await signIn(handle, 'bad-password-x', `10.4.1.${i}`)).status).toBe(401);
    await expectLimited(await signIn(handle, PASSWORD, '10.4.2.1')); // a new IP: the ceiling holds
    expect((await signIn(handle, PASSWORD, '10.4.0.99')).status).toBe(201); // the known IP still signs in
  });

  it('limits an unknown login exactly like an account, so the limits tell nothing about which logins exist', async () => {
    for (let i = 0; i < 3; i++) expect((await signIn('nobody_at_all', 'bad-password-x', '10.5.0.1')).status).toBe(401);
    await expectLimited(await signIn('nobody_at_all', 'bad-password-x', '10.5.0.1'));
  });

  it('rate-limits failed sign-ins per client IP across accounts', async () => {
    const ip = '10.3.0.1';
    for (let i = 0; i < 6; i++) expect((await signIn(`ghost${i}`, 'bad-password-x', ip)).status).toBe(401);
    const handle = await signUp();
    await expectLimited(await signIn(handle, PASSWORD, ip));
    expect((await signIn(handle, PASSWORD, '10.3.0.2')).status).toBe(201);
  });

  it('lets at most the allowed number of 50 concurrent wrong passwords reach the password check', async () => {
    const handle = await signUp();
    const answers = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const res = await signIn(handle, 'bad-password-x', '10.6.0.1');
        return { status: res.status, retryAfter: res.headers.get('retry-after'), code: (await json(res)).error?.code };
      }),
    );
    // A 401 is an answer after the hash: the password was checked.
    const checked = answers.filter((a) => a.status === 401);
    expect(checked.length).toBeLessThanOrEqual(3);
    expect(checked.length).toBeGreaterThan(0);
    const limited = answers.filter((a) => a.status !== 401);
    expect(limited).toHaveLength(50 - checked.length);
    for (const a of limited) expect(a).toEqual({ status: 429, retryAfter: expect.stringMatching(/^[1-9]\d*$/), code: 'IDENTITY.SIGN_IN_RATE_LIMITED' });
  });

  it('rotates refresh tokens and revokes the whole family when a used one comes back', async () => {
    const first = await json(await signIn(await signUp()));
    const second = await json(await call('POST', '/v1/sessions/refresh', { refreshToken: first.refreshToken }));
    expect(second.refreshToken).not.toBe(first.refreshToken);
    const third = await json(await call('POST', '/v1/sessions/refresh', { refreshToken: second.refreshToken }));
    expect(third.accessToken).toBeDefined();

    const replay = await call('POST', '/v1/sessions/refresh', { refreshToken: first.refreshToken });
    expect(replay.status).toBe(401);
    expect((await json(replay)).error.code).toBe('IDENTITY.REFRESH_TOKEN_REUSED');
    // The thief's reuse also ended the legitimate holder's newest token, and its access token.
    const after = await call('POST', '/v1/sessions/refresh', { refreshToken: third.refreshToken });
    expect((await json(after)).error.code).toBe('IDENTITY.REFRESH_TOKEN_INVALID');
    await expectRevoked(third.accessToken);
  });

  it('signs out one device, then every device', async () => {
    const handle = await signUp();
    const phone = await json(await signIn(handle));
    const laptop = await json(await signIn(handle));
    const tablet = await json(await signIn(handle));
    expect((await call('DELETE', '/v1/sessions/current', undefined, bearer(phone.accessToken))).status).toBe(204);
    expect((await call('POST', '/v1/sessions/refresh', { refreshToken: phone.refreshToken })).status).toBe(401);
    await expectRevoked(phone.accessToken);
    expect((await call('GET', '/v1/users/me', undefined, bearer(laptop.accessToken))).status).toBe(200);
    const laptopNext = await json(await call('POST', '/v1/sessions/refresh', { refreshToken: laptop.refreshToken }));
    expect((await call('DELETE', '/v1/sessions', undefined, bearer(tablet.accessToken))).status).toBe(204);
    expect((await call('POST', '/v1/sessions/refresh', { refreshToken: tablet.refreshToken })).status).toBe(401);
    for (const token of [tablet.accessToken, laptop.accessToken, laptopNext.accessToken]) await expectRevoked(token);
    // Signing in again afterwards opens a new session that works.
    expect((await call('GET', '/v1/users/me', undefined, bearer((await json(await signIn(handle))).accessToken))).status).toBe(200);
  });

  /** Identity itself refuses a revoked session's access token within seconds (libs/auth follows sessions.revoked.v1). */
  async function expectRevoked(accessToken: string) {
    await waitUntil(async () => (await call('GET', '/v1/users/me', undefined, bearer(accessToken))).status === 401, 5000, 'the token refused');
    expect((await json(await call('GET', '/v1/users/me', undefined, bearer(accessToken)))).error.code).toBe('AUTH.TOKEN_REVOKED');
  }

  it('rotates the signing key without logging anyone out', async () => {
    const before = await json(await signIn(await signUp()));
    const oldKid = decodeProtectedHeader(before.accessToken).kid;
    const newKid = await app.get(SigningKeys).rotate();
    expect(newKid).not.toBe(oldKid);
    const jwks = await json(await call('GET', '/.well-known/jwks.json'));
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).toEqual(expect.arrayContaining([oldKid, newKid]));
    expect(jwks.keys.every((k: { d?: string }) => k.d === undefined)).toBe(true);
    expect((await call('GET', '/v1/users/me', undefined, bearer(before.accessToken))).status).toBe(200);
    const after = await json(await call('POST', '/v1/sessions/refresh', { refreshToken: before.refreshToken }));
    expect(decodeProtectedHeader(after.accessToken).kid).toBe(newKid);
  });

  it('refuses missing, malformed, tampered, unsigned and expired access tokens with 401 and a stable code', async () => {
    const { accessToken } = await json(await signIn(await signUp()));
    const [h, p, s] = accessToken.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...payload, sub: '00000000-0000-0000-0000-000000000000' })).toString('base64url');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
    const expired = await expiredToken(payload);
    const cases: Array<[Record<string, string>, string]> = [
      [{}, 'AUTH.TOKEN_MISSING'],
      [{ authorization: 'Basic dXNlcjpwYXNz' }, 'AUTH.TOKEN_INVALID'],
      [bearer('not.a.jwt'), 'AUTH.TOKEN_INVALID'],
      [bearer(`${h}.${forged}.${s}`), 'AUTH.TOKEN_INVALID'],
      [bearer(none), 'AUTH.TOKEN_INVALID'],
      [bearer(`${h}.${p}.${s.slice(0, -4)}AAAA`), 'AUTH.TOKEN_INVALID'],
      [bearer(expired), 'AUTH.TOKEN_EXPIRED'],
    ];
    for (const [headers, code] of cases) {
      const res = await call('GET', '/v1/users/me', undefined, headers);
      expect({ status: res.status, code: (await json(res)).error.code }).toEqual({ status: 401, code });
    }
  });

  /** A token signed with the real current key (read from identity's table) but already expired. */
  async function expiredToken(payload: { sub: string; handle: string; sid: string }) {
    const pg = new Client({ connectionString: ctx.infra.pgUrl });
    await pg.connect();
    const { rows } = await pg.query(`SELECT kid, private_jwk FROM "${ctx.schema('identity')}".signing_key WHERE retired_at IS NULL`);
    await pg.end();
    const key = await importJWK(rows[0].private_jwk, 'EdDSA');
    const past = Math.floor(Date.now() / 1000) - 3600;
    return new SignJWT({ handle: payload.handle, sid: payload.sid })
      .setProtectedHeader({ alg: 'EdDSA', kid: rows[0].kid })
      .setSubject(payload.sub)
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setIssuedAt(past - 600)
      .setExpirationTime(past)
      .sign(key);
  }
});
