import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  AccountSuspendedEvent,
  AccountSuspendedSchema,
  AccountSuspensionLiftedEvent,
  AccountSuspensionLiftedSchema,
  SessionsRevokedEvent,
  SessionsRevokedReason,
} from '@onair/contracts';
import { createIdempotentProducer, encodeEvent } from '@onair/kafka';
import { EventCollector, json, TestContext, waitUntil } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { loadConfig } from '../config.js';
import { createIdentityApp } from '../identity-app.js';
import { IdentityClient, identityEnv, type Person } from '../roles/roles.test-app.js';

startTelemetry({ serviceName: 'identity' });

// ops' suspensions, published onto the real Kafka as ops publishes them, applied by identity's
// consumer: sessions end (sessions.revoked.v1, ACCOUNT_SUSPENDED), sign-in and refresh answer
// 403 IDENTITY.ACCOUNT_SUSPENDED with `until`, a timed suspension ends on its own, a lifting
// applies only to the current suspension, and a redelivered event changes nothing.
describe('suspensions: identity applies ops.account_suspended.v1 and its lifting', () => {
  const ctx = TestContext.create('identity_suspension');
  let api: IdentityClient;
  let revoked: EventCollector<typeof SessionsRevokedEvent.schema>;
  let publish: (record: ReturnType<typeof encodeEvent>) => Promise<void>;
  let pg: Client;
  const operatorId = randomUUID();

  beforeAll(async () => {
    const app = await createIdentityApp(loadConfig({ ...identityEnv(ctx), PASSWORD_SCRYPT_LOG_N: '10', KEY_PUBLISH_AHEAD_SECONDS: '0' }));
    ctx.onCleanup(() => app.close());
    await app.startAllMicroservices();
    await app.listen(0, '127.0.0.1');
    api = new IdentityClient(await app.getUrl());
    revoked = await EventCollector.start(ctx, SessionsRevokedEvent);
    const producer = createIdempotentProducer(ctx.kafka());
    await producer.connect();
    ctx.onCleanup(() => producer.disconnect());
    publish = async (record) => void (await producer.send({ topic: `${ctx.topicPrefix}ops.actions.v1`, acks: -1, messages: [record] }));
    pg = new Client({ connectionString: ctx.infra.pgUrl });
    await pg.connect();
    ctx.onCleanup(() => pg.end());
    await pg.query(`SET search_path TO "${ctx.schema('identity')}"`);
  }, 120_000);
  afterAll(() => ctx.cleanup());

  /** Publishes a suspension as ops does; returns its suspension id and the event id (to redeliver it). */
  async function suspend(accountId: string, options: { until?: Date; suspendedAt?: Date; suspensionId?: string; eventId?: string } = {}) {
    const suspensionId = options.suspensionId ?? randomUUID();
    const eventId = options.eventId ?? randomUUID();
    const message = create(AccountSuspendedSchema, {
      accountId,
      suspensionId,
      actorAccountId: operatorId,
      reason: 'harassing viewers',
      suspendedAt: timestampFromDate(options.suspendedAt ?? new Date()),
      ...(options.until ? { until: timestampFromDate(options.until) } : {}),
    });
    await publish(encodeEvent(AccountSuspendedEvent, message, { id: eventId, source: 'ops', time: new Date() }));
    return { suspensionId, eventId };
  }
  async function lift(accountId: string, suspensionId: string) {
    const eventId = randomUUID();
    const message = create(AccountSuspensionLiftedSchema, { accountId, suspensionId, actorAccountId: operatorId, reason: 'appeal granted', liftedAt: timestampFromDate(new Date()) });
    await publish(encodeEvent(AccountSuspensionLiftedEvent, message, { id: eventId, source: 'ops', time: new Date() }));
    return eventId;
  }
  /** The consumer committed the event (handled, not dead-lettered: that would roll the mark back). */
  const processed = (eventId: string) =>
    waitUntil(async () => (await pg.query('SELECT 1 FROM processed_event WHERE event_id = $1', [eventId])).rowCount === 1, 10_000, `event ${eventId} processed`);
  const signIn = async (p: Person) => {
    const res = await api.call('POST', '/v1/sessions', { login: p.handle, password: `pw-of-${p.handle}-long` });
    return { status: res.status, body: await json(res) };
  };
  const refusedSignIn = (p: Person) => waitUntil(async () => (await signIn(p)).status === 403, 5_000, 'sign-in refused');
  const suspendedAnswer = (until: Date | null) => ({ status: 403, body: { error: expect.objectContaining({ code: 'IDENTITY.ACCOUNT_SUSPENDED', details: { until: until?.toISOString() ?? null } }) } });

  it('ends every session and refuses sign-in, the old access token and refresh while suspended for good', async () => {
    const ann = await api.signUp('ann');
    const other = await api.signIn(ann.handle);
    await suspend(ann.id);
    await refusedSignIn(ann);
    expect(await signIn(ann)).toEqual(suspendedAnswer(null));
    // Identity itself refuses the old token within seconds (libs/auth follows sessions.revoked.v1).
    await waitUntil(async () => (await api.call('GET', '/v1/users/me', undefined, ann.accessToken)).status === 401, 5_000, 'the old token refused');
    expect(await api.answer('GET', '/v1/users/me', undefined, other.accessToken)).toEqual({ status: 401, code: 'AUTH.TOKEN_REVOKED' });
    for (const refreshToken of [ann.refreshToken, other.refreshToken]) {
      const res = await api.call('POST', '/v1/sessions/refresh', { refreshToken });
      expect({ status: res.status, body: await json(res) }).toEqual(suspendedAnswer(null));
    }
    await waitUntil(() => revoked.events.some((e) => e.message.accountId === ann.id), 10_000, 'sessions.revoked.v1');
    const events = revoked.events.filter((e) => e.message.accountId === ann.id);
    expect(events.map((e) => [e.message.reason, e.message.sessionIds.length])).toEqual([[SessionsRevokedReason.ACCOUNT_SUSPENDED, 2]]);
  });

  it('lets a timed suspension end on its own at `until`', async () => {
    const bob = await api.signUp('bob');
    const until = new Date(Math.floor(Date.now() / 1000) * 1000 + 3_000);
    await suspend(bob.id, { until });
    await refusedSignIn(bob);
    expect(await signIn(bob)).toEqual(suspendedAnswer(until));
    await waitUntil(async () => (await signIn(bob)).status === 201, 10_000, 'sign-in after the suspension');
    expect(Date.now()).toBeGreaterThanOrEqual(until.getTime());
    // The session that was live at the suspension stays ended.
    expect(await api.answer('POST', '/v1/sessions/refresh', { refreshToken: bob.refreshToken })).toEqual({ status: 401, code: 'IDENTITY.REFRESH_TOKEN_INVALID' });
  });

  it('applies a lifting of the current suspension only: one naming an older suspension is ignored', async () => {
    const carl = await api.signUp('carl');
    const older = await suspend(carl.id, { until: new Date(Date.now() + 3_600_000) });
    const newer = await suspend(carl.id);
    await refusedSignIn(carl);
    await processed(newer.eventId);
    await processed(await lift(carl.id, older.suspensionId));
    expect(await signIn(carl)).toEqual(suspendedAnswer(null));

    await lift(carl.id, newer.suspensionId);
    await waitUntil(async () => (await signIn(carl)).status === 201, 5_000, 'sign-in after the lifting');
    // Lifting lets the account in again; its old sessions stay ended.
    expect(await api.answer('POST', '/v1/sessions/refresh', { refreshToken: carl.refreshToken })).toEqual({ status: 401, code: 'IDENTITY.REFRESH_TOKEN_INVALID' });
  });

  it('keeps the newest suspension: an older one arriving late changes nothing', async () => {
    const dave = await api.signUp('dave');
    const newest = await suspend(dave.id, { until: new Date(Date.now() + 3_600_000) });
    await processed(newest.eventId);
    await processed((await suspend(dave.id, { suspendedAt: new Date(Date.now() - 60_000) })).eventId);
    expect((await pg.query('SELECT suspension_id FROM account_suspension WHERE account_id = $1', [dave.id])).rows).toEqual([{ suspension_id: newest.suspensionId }]);
    await processed(await lift(dave.id, newest.suspensionId));
    expect((await signIn(dave)).status).toBe(201);
  });

  it('changes nothing when a suspension is delivered again, lifted or not', async () => {
    const erin = await api.signUp('erin');
    const at = new Date();
    const first = await suspend(erin.id, { suspendedAt: at });
    await refusedSignIn(erin);
    await processed(await lift(erin.id, first.suspensionId));
    const fresh = await api.signIn(erin.handle);
    // The same event again (Kafka redelivery), then the same suspension under another event id.
    await suspend(erin.id, { suspendedAt: at, suspensionId: first.suspensionId, eventId: first.eventId });
    await processed((await suspend(erin.id, { suspendedAt: at, suspensionId: first.suspensionId })).eventId);
    expect((await signIn(erin)).status).toBe(201);
    expect((await api.call('GET', '/v1/users/me', undefined, fresh.accessToken)).status).toBe(200);
    expect(revoked.events.filter((e) => e.message.accountId === erin.id)).toHaveLength(1);
  });

  it('does nothing for an unknown account, without dead-lettering the event', async () => {
    const accountId = randomUUID();
    await processed((await suspend(accountId)).eventId);
    await processed(await lift(accountId, randomUUID()));
    expect((await pg.query('SELECT 1 FROM account_suspension WHERE account_id = $1', [accountId])).rows).toEqual([]);
  });
});
