import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { AccountRole, AccountRoleGrantedEvent, AccountRoleGrantedSchema } from '@onair/contracts';
import { json, TestContext, waitUntil, type TestUser } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { startOpsPlatform, type OpsPlatform } from '../ops.test-app.js';

interface Entry {
  id: string;
  actorAccountId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  reason: string;
  at: string;
  details: Record<string, unknown>;
}

// The audit log: identity's role changes (granted and revoked through identity's real API)
// become entries with actor and reason, once per event; operators read it newest first, by
// actor, target or action; nothing changes or deletes it.
describe('audit log', () => {
  const ctx = TestContext.create('ops_audit');
  let p: OpsPlatform;

  beforeAll(async () => {
    p = await startOpsPlatform(ctx);
  }, 120_000);
  afterAll(() => ctx.cleanup());

  const read = async (query = '', user: TestUser = p.operator) => {
    const res = await p.answer('GET', `/v1/ops/audit${query}`, user);
    expect(res.status).toBe(200);
    return res.body as { items: Entry[]; nextCursor: string | null };
  };

  it('records the first admin (no actor) and every grant and revocation with actor, role and reason', async () => {
    const bea = await ctx.newUser();
    await p.grant(bea, 'operator', 'night shift');
    await p.revoke(bea, 'operator', 'left the team');
    await waitUntil(async () => (await read(`?targetId=${bea.id}`)).items.length === 2, 15_000, "bea's two entries");
    const { items } = await read(`?targetId=${bea.id}`);
    expect(items).toEqual([
      { id: expect.any(String), actorAccountId: p.admin.id, action: 'role_revoked', targetType: 'account', targetId: bea.id, reason: 'left the team', at: expect.any(String), details: { role: 'operator' } },
      { id: expect.any(String), actorAccountId: p.admin.id, action: 'role_granted', targetType: 'account', targetId: bea.id, reason: 'night shift', at: expect.any(String), details: { role: 'operator' } },
    ]);
    expect(Date.parse(items[0].at)).toBeGreaterThanOrEqual(Date.parse(items[1].at));
    const first = await read(`?targetId=${p.admin.id}`);
    expect(first.items).toEqual([expect.objectContaining({ actorAccountId: null, action: 'role_granted', reason: 'granted from tools/onair', details: { role: 'admin' } })]);
    expect((await read(`?targetId=${p.operator.id}`)).items).toEqual([expect.objectContaining({ actorAccountId: p.admin.id, reason: 'on call for reports' })]);
  });

  it('writes one entry per event id, however often it is delivered', async () => {
    const target = randomUUID();
    const event = create(AccountRoleGrantedSchema, { accountId: target, role: AccountRole.OPERATOR, actorAccountId: p.admin.id, reason: 'redelivered', grantedAt: timestampFromDate(new Date()) });
    const id = await p.publish(AccountRoleGrantedEvent, event, { source: 'identity' });
    await p.publish(AccountRoleGrantedEvent, event, { id, source: 'identity' });
    await p.publish(AccountRoleGrantedEvent, { ...event, reason: 'the next one' }, { source: 'identity' });
    await waitUntil(async () => (await read(`?targetId=${target}`)).items.length === 2, 15_000, 'the next event applied');
    const { items } = await read(`?targetId=${target}`);
    expect(items.map((e) => e.reason).sort()).toEqual(['redelivered', 'the next one']);
    expect(items.find((e) => e.reason === 'redelivered')?.id).toBe(id);
  });

  it('filters by actor and action, pages newest first with a cursor, and refuses bad parameters', async () => {
    const people = await Promise.all(Array.from({ length: 3 }, () => ctx.newUser()));
    for (const u of people) await p.grant(u, 'operator', `shift of ${u.handle}`);
    const granted = async () => (await read(`?actorId=${p.admin.id}&action=role_granted&limit=100`)).items.map((e) => e.targetId);
    await waitUntil(
      async () => {
        const ids = await granted();
        return people.every((u) => ids.includes(u.id));
      },
      15_000,
      'the three grants',
    );
    const all = (await read('?limit=100')).items;
    expect(all.map((e) => `${e.at}|${e.id}`)).toEqual(all.map((e) => `${e.at}|${e.id}`).sort().reverse());
    const byAdmin = (await read(`?actorId=${p.admin.id}&action=role_granted&limit=100`)).items;
    expect(byAdmin.every((e) => e.actorAccountId === p.admin.id && e.action === 'role_granted')).toBe(true);
    expect(byAdmin.map((e) => e.targetId)).toEqual(expect.arrayContaining(people.map((u) => u.id)));
    const paged: string[] = [];
    for (let cursor: string | null = '', n = 0; cursor !== null && n < 100; n++) {
      const page: { items: Entry[]; nextCursor: string | null } = await read(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      paged.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
    }
    expect(paged).toEqual(all.map((e) => e.id));
    for (const q of ['limit=101', 'limit=0', 'actorId=42', 'targetId=x', 'action=deleted_everything', 'cursor=%%%', 'cursor=e30', 'everything=1']) {
      expect({ q, ...(await p.answer('GET', `/v1/ops/audit?${q}`, p.operator)) }).toMatchObject({ q, status: 400, code: 'REQUEST.VALIDATION_FAILED' });
    }
  });

  it('has no route that changes or deletes entries, and the table refuses it below the API too', async () => {
    const doc = await json(await fetch(`${p.ops.url}/openapi.json`));
    const auditPaths = Object.entries(doc.paths as Record<string, Record<string, unknown>>).filter(([path]) => path.startsWith('/v1/ops/audit'));
    expect(auditPaths.map(([path, ops]) => [path, Object.keys(ops)])).toEqual([['/v1/ops/audit', ['get']]]);
    const [entry] = (await read(`?targetId=${p.operator.id}`)).items;
    for (const method of ['PUT', 'PATCH', 'DELETE', 'POST']) {
      for (const path of ['/v1/ops/audit', `/v1/ops/audit/${entry.id}`]) {
        expect({ method, path, status: (await p.call(method, path, p.admin, { reason: 'tidy up' })).status }).toEqual({ method, path, status: 404 });
      }
    }
    await expect(p.sql('UPDATE audit_entry SET reason = $2 WHERE id = $1', [entry.id, 'rewritten'])).rejects.toThrow(/append-only/);
    await expect(p.sql('DELETE FROM audit_entry WHERE id = $1', [entry.id])).rejects.toThrow(/append-only/);
    expect((await read(`?targetId=${p.operator.id}`)).items).toEqual([entry]);
  });
});
