import { TestContext, waitUntil, type TestUser } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { startOpsPlatform, type OpsPlatform } from '../ops.test-app.js';

// Viewers' reports of broadcasts and accounts: one per reporter and target, a cap on open ones,
// the queue ranked by distinct reporters, dismissal (audited in the same transaction) and
// reopening. Real identity (tokens, roles), ops from its build, real PostgreSQL and Kafka.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- queue items as the API answered them
type Item = { targetId: string; weight: number } & Record<string, any>;

describe('reports: filing, the queue, dismissal', () => {
  const ctx = TestContext.create('ops_reports');
  let p: OpsPlatform;
  let viewers: TestUser[];

  beforeAll(async () => {
    p = await startOpsPlatform(ctx, { OPS_OPEN_REPORTS_PER_REPORTER: '10' });
    viewers = await Promise.all(Array.from({ length: 4 }, () => ctx.newUser()));
  }, 120_000);
  afterAll(() => ctx.cleanup());

  const queue = async () => (await p.answer('GET', '/v1/ops/reports?limit=100', p.operator)).body.items as Item[];
  const itemOf = async (targetId: string) => (await queue()).find((i) => i.targetId === targetId);

  it('files a report (201), dedups the same reporter and target (200, same id, latest reason), one row per reporter', async () => {
    const [ann, bob] = viewers;
    const broadcast = randomUUID();
    const first = await p.answer('POST', '/v1/reports', ann, { targetType: 'broadcast', targetId: broadcast, reason: 'spam', text: 'links to a scam' });
    expect(first).toMatchObject({ status: 201, body: { id: expect.any(String) } });
    const again = await p.answer('POST', '/v1/reports', ann, { targetType: 'broadcast', targetId: broadcast.toUpperCase(), reason: 'hate' });
    expect(again).toEqual({ status: 200, body: { id: first.body.id, status: 'open' } });
    expect(await itemOf(broadcast)).toMatchObject({ distinctReporters: 1, weight: 1, reasons: { hate: 1 }, latestTexts: [{ text: 'links to a scam' }] });
    // Another reporter is another report.
    const other = await p.answer('POST', '/v1/reports', bob, { targetType: 'broadcast', targetId: broadcast, reason: 'hate', text: 'slurs\nat 12:03' });
    expect(other.status).toBe(201);
    expect(other.body.id).not.toBe(first.body.id);
    const item: Item = (await itemOf(broadcast)) ?? { targetId: 'missing', weight: 0 };
    expect(item).toMatchObject({ targetType: 'broadcast', distinctReporters: 2, reasons: { hate: 2 }, message: null });
    expect(item.latestTexts.map((t: { text: string }) => t.text)).toEqual(['slurs\nat 12:03', 'links to a scam']);
    expect(Date.parse(item.firstReportedAt)).toBeLessThanOrEqual(Date.parse(item.lastReportedAt));
    expect(await p.sql('SELECT count(*)::int AS n FROM report WHERE target_id = $1', [broadcast])).toEqual([{ n: 2 }]);
  });

  it('refuses reporting oneself, bad input with the field named, and more open reports than the cap', async () => {
    const cat = await ctx.newUser();
    expect(await p.answer('POST', '/v1/reports', cat, { targetType: 'account', targetId: cat.id, reason: 'spam' })).toMatchObject({ status: 400, code: 'OPS.CANNOT_REPORT_SELF' });
    const bad: Array<[unknown, string]> = [
      [{ targetType: 'message', targetId: randomUUID(), reason: 'spam' }, 'targetType'],
      [{ targetType: 'account', targetId: 'nope', reason: 'spam' }, 'targetId'],
      [{ targetType: 'account', targetId: randomUUID(), reason: 'boring' }, 'reason'],
      [{ targetType: 'account', targetId: randomUUID(), reason: 'other', text: 'x'.repeat(501) }, 'text'],
      [{ targetType: 'account', targetId: randomUUID(), reason: 'other', text: 'look \u202Egnp.exe' }, 'text'],
      [{ targetType: 'account', targetId: randomUUID(), reason: 'other', urgent: true }, 'urgent'],
    ];
    for (const [body, field] of bad) {
      const a = await p.answer('POST', '/v1/reports', cat, body);
      expect({ field, status: a.status, code: a.code, fields: a.body.error.details.fields.map((f: { field: string }) => f.field) }).toEqual({
        field,
        status: 400,
        code: 'REQUEST.VALIDATION_FAILED',
        fields: expect.arrayContaining([field]),
      });
    }
    expect(await p.answer('POST', '/v1/reports', undefined, { targetType: 'account', targetId: randomUUID(), reason: 'spam' })).toMatchObject({ status: 401, code: 'AUTH.TOKEN_MISSING' });
    // The cap (10 here), also under concurrent reports; reporting an open target again is no new one.
    const targets = Array.from({ length: 14 }, () => randomUUID());
    const answers = await Promise.all(targets.map((id) => p.answer('POST', '/v1/reports', cat, { targetType: 'account', targetId: id, reason: 'spam' })));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(10);
    expect(answers.filter((a) => a.status === 429).map((a) => a.code)).toEqual(Array(4).fill('OPS.TOO_MANY_OPEN_REPORTS'));
    const accepted = targets.filter((_, i) => answers[i].status === 201);
    expect((await p.answer('POST', '/v1/reports', cat, { targetType: 'account', targetId: accepted[0], reason: 'other' })).status).toBe(200);
    // A dismissal frees room.
    expect((await p.answer('POST', `/v1/ops/reports/targets/account/${accepted[0]}/dismiss`, p.operator, { reason: 'not abuse' })).status).toBe(200);
    expect((await p.answer('POST', '/v1/reports', cat, { targetType: 'account', targetId: randomUUID(), reason: 'spam' })).status).toBe(201);
  });

  it('ranks targets by distinct reporters, then the most recent, and pages through them', async () => {
    const [ann, bob, cat, dan] = viewers;
    const [quiet, loud, recent]: string[] = [randomUUID(), randomUUID(), randomUUID()];
    await p.answer('POST', '/v1/reports', ann, { targetType: 'broadcast', targetId: quiet, reason: 'nudity' });
    // The same viewer reporting three times is still one reporter.
    for (let i = 0; i < 3; i++) await p.answer('POST', '/v1/reports', ann, { targetType: 'account', targetId: recent, reason: 'harassment' });
    for (const u of [bob, dan]) await p.answer('POST', '/v1/reports', u, { targetType: 'broadcast', targetId: loud, reason: 'violence' });
    const mine = (items: Array<{ targetId: string }>) => items.map((i) => i.targetId).filter((id) => [quiet, loud, recent].includes(id));
    expect(mine(await queue())).toEqual([loud, recent, quiet]);
    // Reported by more distinct viewers, the quiet one rises above the loud one.
    for (const u of [bob, cat, dan]) await p.answer('POST', '/v1/reports', u, { targetType: 'broadcast', targetId: quiet, reason: 'nudity' });
    const ranked = await queue();
    expect(mine(ranked)).toEqual([quiet, loud, recent]);
    expect(ranked.find((i) => i.targetId === quiet)).toMatchObject({ distinctReporters: 4, weight: 4, reasons: { nudity: 4 } });
    // Heaviest first throughout; pages of one follow the same order with no repeats.
    expect(ranked.map((i) => i.weight)).toEqual([...ranked.map((i) => i.weight)].sort((a, b) => b - a));
    const paged: string[] = [];
    for (let cursor: string | null = '', pages = 0; cursor !== null && pages < 50; pages++) {
      const page = await p.answer('GET', `/v1/ops/reports?limit=1${cursor ? `&cursor=${cursor}` : ''}`, p.operator);
      expect(page.status).toBe(200);
      paged.push(...page.body.items.map((i: { targetId: string }) => i.targetId));
      cursor = page.body.nextCursor;
    }
    expect(paged).toEqual(ranked.map((i) => i.targetId));
    for (const q of ['cursor=abc', 'cursor=eyJ4IjoxfQ', 'limit=101', 'limit=0', 'status=dismissed', 'sort=new']) {
      expect(await p.answer('GET', `/v1/ops/reports?${q}`, p.operator)).toMatchObject({ status: 400, code: 'REQUEST.VALIDATION_FAILED' });
    }
  });

  it('dismisses every open report of a target with an audit entry, refuses a second dismissal, and reopens on a new report', async () => {
    const [ann, bob, cat] = viewers;
    const target = randomUUID();
    for (const u of [ann, bob]) await p.answer('POST', '/v1/reports', u, { targetType: 'account', targetId: target, reason: 'spam' });
    const path = `/v1/ops/reports/targets/account/${target}`;
    const dismissed = await p.answer('POST', `${path}/dismiss`, p.operator, { reason: 'a promoter, not spam' });
    expect(dismissed).toEqual({ status: 200, body: { dismissed: 2, auditEntryId: expect.any(String) } });
    expect(await itemOf(target)).toBeUndefined();
    const detail = await p.answer('GET', path, p.operator);
    expect(detail.body).toMatchObject({ targetType: 'account', targetId: target, distinctReporters: 0, weight: 0 });
    expect(detail.body.reports.map((r: { status: string }) => r.status)).toEqual(['dismissed', 'dismissed']);
    // The audit entry: who, what, which target, why.
    const audit = await p.answer('GET', `/v1/ops/audit?targetId=${target}`, p.operator);
    expect(audit.body.items).toEqual([
      {
        id: dismissed.body.auditEntryId,
        actorAccountId: p.operator.id,
        action: 'reports_dismissed',
        targetType: 'account',
        targetId: target,
        reason: 'a promoter, not spam',
        at: expect.any(String),
        details: { reports: 2, reasons: { spam: 2 } },
      },
    ]);
    expect(await p.answer('POST', `${path}/dismiss`, p.operator, { reason: 'again' })).toMatchObject({ status: 409, code: 'OPS.NO_OPEN_REPORTS' });
    expect(await p.answer('POST', `/v1/ops/reports/targets/account/${randomUUID()}/dismiss`, p.operator, { reason: 'x' })).toMatchObject({ status: 404, code: 'OPS.REPORT_TARGET_NOT_FOUND' });
    expect(await p.answer('GET', `/v1/ops/reports/targets/broadcast/${randomUUID()}`, p.operator)).toMatchObject({ status: 404, code: 'OPS.REPORT_TARGET_NOT_FOUND' });
    expect(await p.answer('POST', `${path}/dismiss`, p.operator, { reason: ' ' })).toMatchObject({ status: 400, code: 'REQUEST.VALIDATION_FAILED' });
    // A new report opens it again (a new reporter's, or a dismissed reporter's again: 200, same id).
    expect((await p.answer('POST', '/v1/reports', cat, { targetType: 'account', targetId: target, reason: 'hate' })).status).toBe(201);
    const reopened = await p.answer('POST', '/v1/reports', ann, { targetType: 'account', targetId: target, reason: 'spam' });
    expect(reopened).toEqual({ status: 200, body: { id: detail.body.reports.find((r: { reporterId: string }) => r.reporterId === ann.id).id, status: 'open' } });
    expect(await itemOf(target)).toMatchObject({ distinctReporters: 2, reasons: { hate: 1, spam: 1 } });
    const after = await p.answer('GET', path, p.operator);
    expect(after.body.reports.map((r: { status: string }) => r.status).sort()).toEqual(['dismissed', 'open', 'open']);
  });

  it('refuses every operator route to a plain user (403 AUTH.ROLE_REQUIRED) and to no token (401)', async () => {
    const [ann] = viewers;
    const target = randomUUID();
    await p.answer('POST', '/v1/reports', ann, { targetType: 'broadcast', targetId: target, reason: 'spam' });
    const routes: Array<[string, string, unknown?]> = [
      ['GET', '/v1/ops/reports'],
      ['GET', `/v1/ops/reports/targets/broadcast/${target}`],
      ['POST', `/v1/ops/reports/targets/broadcast/${target}/dismiss`, { reason: 'I want it gone' }],
      ['GET', '/v1/ops/audit'],
    ];
    for (const [method, path, body] of routes) {
      expect({ path, ...(await p.answer(method, path, ann, body)) }).toMatchObject({ path, status: 403, code: 'AUTH.ROLE_REQUIRED' });
      expect({ path, ...(await p.answer(method, path, undefined, body)) }).toMatchObject({ path, status: 401, code: 'AUTH.TOKEN_MISSING' });
    }
    // Nothing was dismissed by the refused call; an admin counts as an operator.
    await waitUntil(async () => (await itemOf(target))?.distinctReporters === 1, 5000, 'the report still open');
    expect((await p.answer('GET', '/v1/ops/reports', p.admin)).status).toBe(200);
  });
});
