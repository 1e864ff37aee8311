import { timestampDate } from '@bufbuild/protobuf/wkt';
import { BroadcastTakenDownEvent } from '@onair/contracts';
import { EventCollector, TestContext, waitUntil, type TestUser } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { startOpsPlatform, type OpsPlatform } from '../ops.test-app.js';

// An operator takes a broadcast down: the takedown row, the audit entry, the broadcast's open
// reports actioned and ops.broadcast_taken_down.v1 commit together; a second takedown is a
// conflict that writes nothing; plain users are refused; bad input is 400.
describe('takedowns: an operator takes a broadcast down', () => {
  const ctx = TestContext.create('ops_takedown');
  let p: OpsPlatform;
  let events: EventCollector<typeof BroadcastTakenDownEvent.schema>;
  let viewers: TestUser[];

  beforeAll(async () => {
    p = await startOpsPlatform(ctx);
    events = await EventCollector.start(ctx, BroadcastTakenDownEvent);
    viewers = await Promise.all([ctx.newUser(), ctx.newUser(), ctx.newUser()]);
  }, 120_000);
  afterAll(() => ctx.cleanup());

  const takeDown = (id: string, body: unknown, user: TestUser = p.operator) => p.answer('POST', `/v1/ops/broadcasts/${id}/takedown`, user, body);
  const writes = async (id: string) => ({
    takedowns: await p.sql('SELECT actor_account_id, reason FROM broadcast_takedown WHERE broadcast_id = $1', [id]),
    audit: await p.sql('SELECT actor_account_id, action, target_type, reason, details FROM audit_entry WHERE target_id = $1', [id]),
  });

  it('writes the takedown, the audit entry, the actioned reports and the event in one transaction', async () => {
    const id = randomUUID();
    for (const v of viewers) expect((await p.answer('POST', '/v1/reports', v, { targetType: 'broadcast', targetId: id, reason: 'illegal' })).status).toBe(201);
    const res = await takeDown(id, { reason: 'selling stolen goods' });
    expect(res).toMatchObject({ status: 201, body: { id: expect.any(String), broadcastId: id, takenDownAt: expect.any(String), auditEntryId: expect.any(String), actionedReports: 3 } });

    const w = await writes(id);
    expect(w.takedowns).toEqual([{ actor_account_id: p.operator.id, reason: 'selling stolen goods' }]);
    expect(w.audit).toEqual([
      { actor_account_id: p.operator.id, action: 'broadcast_taken_down', target_type: 'broadcast', reason: 'selling stolen goods', details: { takedownId: res.body.id, actionedReports: 3 } },
    ]);
    // Out of the queue, kept in the target's detail as actioned.
    const queue = (await p.answer('GET', '/v1/ops/reports?limit=100', p.operator)).body.items as Array<{ targetId: string }>;
    expect(queue.map((i) => i.targetId)).not.toContain(id);
    const detail = (await p.answer('GET', `/v1/ops/reports/targets/broadcast/${id}`, p.operator)).body;
    expect(detail.reports.map((r: { status: string; actionedAt: string | null }) => [r.status, typeof r.actionedAt])).toEqual([
      ['actioned', 'string'],
      ['actioned', 'string'],
      ['actioned', 'string'],
    ]);
    const audit = (await p.answer('GET', `/v1/ops/audit?targetId=${id}&action=broadcast_taken_down`, p.operator)).body.items;
    expect(audit).toEqual([expect.objectContaining({ id: res.body.auditEntryId, actorAccountId: p.operator.id, reason: 'selling stolen goods' })]);

    await waitUntil(() => events.events.some((e) => e.message.broadcastId === id), 15_000, 'ops.broadcast_taken_down.v1');
    const [event] = events.events.filter((e) => e.message.broadcastId === id);
    expect(event.key).toBe(id);
    expect(event.message).toMatchObject({ broadcastId: id, actorAccountId: p.operator.id, reason: 'selling stolen goods' });
    const at = event.message.takenDownAt;
    expect(at && timestampDate(at).toISOString()).toBe(res.body.takenDownAt);
  });

  it('keeps a report filed after the takedown as actioned: the broadcast never comes back into the queue', async () => {
    const id = randomUUID();
    expect((await p.answer('POST', '/v1/reports', viewers[0], { targetType: 'broadcast', targetId: id, reason: 'spam' })).body.status).toBe('open');
    expect((await takeDown(id, { reason: 'spam ring' })).body.actionedReports).toBe(1);
    // A late reporter, and the first one reporting again: both kept, neither open.
    expect(await p.answer('POST', '/v1/reports', viewers[1], { targetType: 'broadcast', targetId: id, reason: 'hate', text: 'still up?' })).toMatchObject({ status: 201, body: { status: 'actioned' } });
    expect(await p.answer('POST', '/v1/reports', viewers[0], { targetType: 'broadcast', targetId: id, reason: 'other' })).toMatchObject({ status: 200, body: { status: 'actioned' } });
    const queue = (await p.answer('GET', '/v1/ops/reports?limit=100', p.operator)).body.items as Array<{ targetId: string }>;
    expect(queue.map((i) => i.targetId)).not.toContain(id);
    const detail = (await p.answer('GET', `/v1/ops/reports/targets/broadcast/${id}`, p.operator)).body;
    expect(detail).toMatchObject({ distinctReporters: 0 });
    expect(detail.reports.map((r: { status: string }) => r.status)).toEqual(['actioned', 'actioned']);
    // Not counted against the reporter's cap of open reports either.
    expect(await p.sql(`SELECT count(*)::int AS n FROM report WHERE target_id = $1 AND status = 'open'`, [id])).toEqual([{ n: 0 }]);
  });

  it('answers 409 OPS.ALREADY_TAKEN_DOWN to a second takedown and writes nothing', async () => {
    const id = randomUUID();
    expect((await takeDown(id, { reason: 'first' })).status).toBe(201);
    const before = await writes(id);
    const second = await p.grant(await ctx.newUser(), 'operator', 'second opinion');
    expect(await takeDown(id.toUpperCase(), { reason: 'second' }, second)).toMatchObject({ status: 409, code: 'OPS.ALREADY_TAKEN_DOWN' });
    expect(await writes(id)).toEqual(before);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(events.events.filter((e) => e.message.broadcastId === id)).toHaveLength(1);
  });

  it('refuses a plain user (403) and a caller without a token (401), and writes nothing', async () => {
    const id = randomUUID();
    expect(await takeDown(id, { reason: 'I do not like it' }, viewers[0])).toMatchObject({ status: 403, code: 'AUTH.ROLE_REQUIRED' });
    expect((await p.call('POST', `/v1/ops/broadcasts/${id}/takedown`, undefined, { reason: 'anonymous' })).status).toBe(401);
    expect(await writes(id)).toMatchObject({ takedowns: [], audit: [] });
  });

  it('refuses bad input with 400', async () => {
    const id = randomUUID();
    for (const [path, body] of [
      [id, {}],
      [id, { reason: '' }],
      [id, { reason: 'x'.repeat(501) }],
      [id, { reason: 'ok', extra: true }],
      ['not-a-uuid', { reason: 'ok' }],
    ] as const) {
      const a = await takeDown(path, body);
      expect({ path, body, status: a.status, code: a.code }).toEqual({ path, body, status: 400, code: 'REQUEST.VALIDATION_FAILED' });
    }
    expect(await takeDown(id, '{"reason": ')).toMatchObject({ status: 400, code: 'REQUEST.MALFORMED_JSON' });
    expect(await writes(id)).toMatchObject({ takedowns: [], audit: [] });
  });
});
