import { timestampDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import { AccountSuspendedEvent, AccountSuspensionLiftedEvent } from '@onair/contracts';
import { EventCollector, TestContext, waitUntil, type TestUser } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { startOpsPlatform, type OpsPlatform } from '../ops.test-app.js';

// An operator suspends an account (for a period or for good) and lifts it: the suspension row,
// the audit entry, the account's open reports actioned and the event commit together; a newer
// suspension replaces the current one; refused requests write nothing.
describe('suspensions: an operator suspends an account and lifts it', () => {
  const ctx = TestContext.create('ops_suspension');
  let p: OpsPlatform;
  let suspended: EventCollector<typeof AccountSuspendedEvent.schema>;
  let lifted: EventCollector<typeof AccountSuspensionLiftedEvent.schema>;
  let viewers: TestUser[];

  beforeAll(async () => {
    p = await startOpsPlatform(ctx);
    [suspended, lifted] = await Promise.all([EventCollector.start(ctx, AccountSuspendedEvent), EventCollector.start(ctx, AccountSuspensionLiftedEvent)]);
    viewers = await Promise.all([ctx.newUser(), ctx.newUser()]);
  }, 120_000);
  afterAll(() => ctx.cleanup());

  const path = (id: string, lift = false) => `/v1/ops/accounts/${id}/suspension${lift ? '/lift' : ''}`;
  const suspend = (id: string, body: unknown, user: TestUser = p.operator) => p.answer('POST', path(id), user, body);
  const lift = (id: string, body: unknown, user: TestUser = p.operator) => p.answer('POST', path(id, true), user, body);
  const current = (id: string, user: TestUser = p.operator) => p.answer('GET', path(id), user);
  const iso = (t?: Timestamp) => t && timestampDate(t).toISOString();
  const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
  const writes = async (id: string) => ({
    suspensions: await p.sql('SELECT id, actor_account_id, reason, until, lifted_at FROM account_suspension WHERE account_id = $1 ORDER BY suspended_at', [id]),
    audit: await p.sql(`SELECT actor_account_id, action, target_type, reason, details FROM audit_entry WHERE target_id = $1 AND action LIKE 'account_suspen%' ORDER BY at`, [id]),
  });
  const eventsOf = <T extends { message: { accountId: string } }>(events: T[], id: string) => events.filter((e) => e.message.accountId === id);

  it('suspends for a period: the row, the audit entry, the actioned reports and the event in one transaction', async () => {
    const id = randomUUID();
    for (const v of viewers) expect((await p.answer('POST', '/v1/reports', v, { targetType: 'account', targetId: id, reason: 'harassment' })).status).toBe(201);
    const until = inSeconds(3600);
    const res = await suspend(id.toUpperCase(), { reason: 'harassing viewers', until });
    expect(res).toMatchObject({ status: 201, body: { id: expect.any(String), accountId: id, suspendedAt: expect.any(String), until, auditEntryId: expect.any(String), actionedReports: 2 } });

    const w = await writes(id);
    expect(w.suspensions).toEqual([{ id: res.body.id, actor_account_id: p.operator.id, reason: 'harassing viewers', until: new Date(until), lifted_at: null }]);
    expect(w.audit).toEqual([
      {
        actor_account_id: p.operator.id,
        action: 'account_suspended',
        target_type: 'account',
        reason: 'harassing viewers',
        details: { suspensionId: res.body.id, until, replacedSuspensionId: null, actionedReports: 2 },
      },
    ]);
    const queue = (await p.answer('GET', '/v1/ops/reports?limit=100', p.operator)).body.items as Array<{ targetId: string }>;
    expect(queue.map((i) => i.targetId)).not.toContain(id);
    const audit = (await p.answer('GET', `/v1/ops/audit?targetId=${id}&action=account_suspended`, p.operator)).body.items;
    expect(audit).toEqual([expect.objectContaining({ id: res.body.auditEntryId, actorAccountId: p.operator.id, reason: 'harassing viewers' })]);
    expect(await current(id)).toEqual({
      status: 200,
      body: { id: res.body.id, accountId: id, actorAccountId: p.operator.id, reason: 'harassing viewers', suspendedAt: res.body.suspendedAt, until },
    });

    await waitUntil(() => eventsOf(suspended.events, id).length > 0, 15_000, 'ops.account_suspended.v1');
    const [event] = eventsOf(suspended.events, id);
    expect(event.key).toBe(id);
    expect(event.message).toMatchObject({ accountId: id, suspensionId: res.body.id, actorAccountId: p.operator.id, reason: 'harassing viewers' });
    expect(iso(event.message.suspendedAt)).toBe(res.body.suspendedAt);
    expect(iso(event.message.until)).toBe(until);
  });

  it('replaces the current suspension with a newer one (for good), and lifts only that one', async () => {
    const id = randomUUID();
    const first = (await suspend(id, { reason: 'spam', until: inSeconds(600) })).body;
    const second = await suspend(id, { reason: 'spam again, for good' });
    expect(second).toMatchObject({ status: 201, body: { until: null, actionedReports: 0 } });
    expect(new Date(second.body.suspendedAt) > new Date(first.suspendedAt)).toBe(true);
    expect((await current(id)).body).toMatchObject({ id: second.body.id, reason: 'spam again, for good', until: null });
    expect((await writes(id)).audit[1].details).toMatchObject({ suspensionId: second.body.id, until: null, replacedSuspensionId: first.id });

    const res = await lift(id, { reason: 'appeal granted' });
    expect(res).toEqual({ status: 200, body: { id: second.body.id, accountId: id, liftedAt: expect.any(String), auditEntryId: expect.any(String) } });
    expect(await current(id)).toMatchObject({ status: 404, code: 'OPS.NOT_SUSPENDED' });
    const w = await writes(id);
    expect(w.suspensions.map((s) => [s.id, s.lifted_at === null])).toEqual([
      [first.id, true],
      [second.body.id, false],
    ]);
    expect(w.audit[2]).toEqual({ actor_account_id: p.operator.id, action: 'account_suspension_lifted', target_type: 'account', reason: 'appeal granted', details: { suspensionId: second.body.id } });

    await waitUntil(() => eventsOf(lifted.events, id).length > 0 && eventsOf(suspended.events, id).length === 2, 15_000, 'the suspensions and the lifting');
    expect(eventsOf(suspended.events, id).map((e) => [e.message.suspensionId, e.message.until === undefined])).toEqual([
      [first.id, false],
      [second.body.id, true],
    ]);
    const [event] = eventsOf(lifted.events, id);
    expect(event.key).toBe(id);
    expect(event.message).toMatchObject({ accountId: id, suspensionId: second.body.id, actorAccountId: p.operator.id, reason: 'appeal granted' });
    expect(iso(event.message.liftedAt)).toBe(res.body.liftedAt);

    // Lifted: nothing left to lift; the old sessions stay ended (identity's side).
    expect(await lift(id, { reason: 'twice' })).toMatchObject({ status: 409, code: 'OPS.NOT_SUSPENDED' });
  });

  it('reaches identity: the suspended account cannot sign in within seconds, and can again once lifted', async () => {
    const eve = await ctx.newUser();
    const signIn = () =>
      fetch(`${p.identityUrl}/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: eve.handle, password: eve.password }) });
    expect((await suspend(eve.id, { reason: 'ban evasion' })).status).toBe(201);
    await waitUntil(async () => (await signIn()).status === 403, 5_000, "identity refusing the suspended account's sign-in");
    expect((await lift(eve.id, { reason: 'wrong account' })).status).toBe(200);
    await waitUntil(async () => (await signIn()).status === 201, 5_000, 'identity letting the account in again');
  });

  it('ends a timed suspension on its own at `until`: no current one to read or lift', async () => {
    const id = randomUUID();
    expect((await suspend(id, { reason: 'cool-off', until: inSeconds(2) })).status).toBe(201);
    expect((await current(id)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await current(id)).toMatchObject({ status: 404, code: 'OPS.NOT_SUSPENDED' });
    expect(await lift(id, { reason: 'too late' })).toMatchObject({ status: 409, code: 'OPS.NOT_SUSPENDED' });
    expect((await writes(id)).audit.map((a) => a.action)).toEqual(['account_suspended']);
  });

  it('answers 409/404 OPS.NOT_SUSPENDED for an account never suspended, and writes nothing', async () => {
    const id = randomUUID();
    expect(await lift(id, { reason: 'nothing to lift' })).toMatchObject({ status: 409, code: 'OPS.NOT_SUSPENDED' });
    expect(await current(id)).toMatchObject({ status: 404, code: 'OPS.NOT_SUSPENDED' });
    expect(await writes(id)).toEqual({ suspensions: [], audit: [] });
  });

  it('refuses `until` in the past or too far ahead, and suspending oneself, with 400 and a code; nothing written', async () => {
    const id = randomUUID();
    expect(await suspend(id, { reason: 'late', until: inSeconds(-60) })).toMatchObject({ status: 400, code: 'OPS.SUSPENSION_UNTIL_PAST' });
    expect(await suspend(id, { reason: 'now', until: new Date().toISOString() })).toMatchObject({ status: 400, code: 'OPS.SUSPENSION_UNTIL_PAST' });
    expect(await suspend(id, { reason: 'ages', until: inSeconds(11 * 366 * 86400) })).toMatchObject({ status: 400, code: 'OPS.SUSPENSION_TOO_LONG' });
    expect((await suspend(id, { reason: 'nine years', until: inSeconds(9 * 365 * 86400) })).status).toBe(201);
    expect(await writes(id)).toMatchObject({ suspensions: [expect.objectContaining({ reason: 'nine years' })] });

    const self = p.operator.id;
    expect(await suspend(self, { reason: 'I need a break' })).toMatchObject({ status: 400, code: 'OPS.CANNOT_SUSPEND_SELF' });
    expect(await writes(self)).toEqual({ suspensions: [], audit: [] });
  });

  it('refuses a plain user (403) and a caller without a token (401) on every route, and writes nothing', async () => {
    const id = randomUUID();
    expect(await suspend(id, { reason: 'I do not like them' }, viewers[0])).toMatchObject({ status: 403, code: 'AUTH.ROLE_REQUIRED' });
    expect(await lift(id, { reason: 'free them' }, viewers[0])).toMatchObject({ status: 403, code: 'AUTH.ROLE_REQUIRED' });
    expect(await current(id, viewers[0])).toMatchObject({ status: 403, code: 'AUTH.ROLE_REQUIRED' });
    for (const [method, route] of [
      ['POST', path(id)],
      ['POST', path(id, true)],
      ['GET', path(id)],
    ]) {
      expect((await p.call(method, route, undefined, method === 'GET' ? undefined : { reason: 'anonymous' })).status).toBe(401);
    }
    expect(await writes(id)).toEqual({ suspensions: [], audit: [] });
  });

  it('refuses bad input with 400', async () => {
    const id = randomUUID();
    for (const [target, body] of [
      [id, {}],
      [id, { reason: '' }],
      [id, { reason: 'x'.repeat(501) }],
      [id, { reason: 'ok', extra: true }],
      [id, { reason: 'ok', until: 'tomorrow' }],
      [id, { reason: 'ok', until: null }],
      [id, { reason: 'ok', until: Date.now() + 60_000 }],
      ['not-a-uuid', { reason: 'ok' }],
    ] as const) {
      const a = await suspend(target, body);
      expect({ target, body, status: a.status, code: a.code }).toEqual({ target, body, status: 400, code: 'REQUEST.VALIDATION_FAILED' });
    }
    expect(await lift(id, { reason: '' })).toMatchObject({ status: 400, code: 'REQUEST.VALIDATION_FAILED' });
    expect(await current('not-a-uuid')).toMatchObject({ status: 400, code: 'REQUEST.VALIDATION_FAILED' });
    expect(await suspend(id, '{"reason": ')).toMatchObject({ status: 400, code: 'REQUEST.MALFORMED_JSON' });
    expect(await writes(id)).toEqual({ suspensions: [], audit: [] });
  });
});
