import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { AccountRole, AccountRoleGrantedEvent, AccountRoleGrantedSchema, AccountRoleRevokedEvent, AccountRoleRevokedSchema } from '@onair/contracts';
import { json, TestContext, waitUntil, type TestUser } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { startOpsPlatform, type OpsPlatform } from '../ops.test-app.js';

interface Row {
  role: string;
  held: boolean;
  event_id: string;
}

// Staff are protected from each other: ops learns who holds a staff role from identity's role
// events (granted and revoked through identity's real API, or published as identity would), and
// only an admin may suspend an operator or an admin. Nobody suspends themselves.
describe('staff roles: only an admin suspends staff', () => {
  const ctx = TestContext.create('ops_staff_roles');
  let p: OpsPlatform;

  beforeAll(async () => {
    p = await startOpsPlatform(ctx);
  }, 120_000);
  afterAll(() => ctx.cleanup());

  const suspend = (id: string, user: TestUser, reason = 'abuse of power') => p.answer('POST', `/v1/ops/accounts/${id}/suspension`, user, { reason });
  const rows = (id: string) => p.sql<Row>('SELECT role, held, event_id FROM staff_role WHERE account_id = $1 ORDER BY role', [id]);
  const held = async (id: string) => (await rows(id)).filter((r) => r.held).map((r) => r.role);
  const holds = (id: string, roles: string[]) => waitUntil(async () => JSON.stringify(await held(id)) === JSON.stringify(roles), 15_000, `${id} holding [${roles}] in ops`);
  const suspensions = (id: string) => p.sql('SELECT actor_account_id FROM account_suspension WHERE account_id = $1', [id]);

  it('refuses anyone suspending themselves, an admin too: 400 OPS.CANNOT_SUSPEND_SELF, nothing written', async () => {
    await holds(p.admin.id, ['admin']);
    for (const self of [p.admin, p.operator]) {
      expect(await suspend(self.id, self)).toMatchObject({ status: 400, code: 'OPS.CANNOT_SUSPEND_SELF' });
      expect(await suspensions(self.id)).toEqual([]);
    }
  });

  it('refuses an operator suspending an operator or an admin (403), and lets an admin suspend an operator', async () => {
    const colleague = await p.grant(await ctx.newUser(), 'operator', 'second shift');
    await Promise.all([holds(colleague.id, ['operator']), holds(p.admin.id, ['admin'])]);
    expect(await suspend(colleague.id, p.operator)).toMatchObject({ status: 403, code: 'OPS.STAFF_SUSPENSION_NEEDS_ADMIN', body: { error: { details: { roles: ['operator'] } } } });
    expect(await suspend(p.admin.id, p.operator)).toMatchObject({ status: 403, code: 'OPS.STAFF_SUSPENSION_NEEDS_ADMIN', body: { error: { details: { roles: ['admin'] } } } });
    expect(await suspensions(colleague.id)).toEqual([]);
    expect(await suspensions(p.admin.id)).toEqual([]);
    expect(await p.sql(`SELECT 1 FROM audit_entry WHERE action = 'account_suspended' AND target_id = ANY($1)`, [[colleague.id, p.admin.id]])).toEqual([]);

    expect(await suspend(colleague.id, p.admin, 'sold access to the queue')).toMatchObject({ status: 201, body: { accountId: colleague.id } });
    expect(await suspensions(colleague.id)).toEqual([{ actor_account_id: p.admin.id }]);
    // Lifting it is an admin's call too.
    const lift = (user: TestUser) => p.answer('POST', `/v1/ops/accounts/${colleague.id}/suspension/lift`, user, { reason: 'cleared' });
    expect(await lift(p.operator)).toMatchObject({ status: 403, code: 'OPS.STAFF_SUSPENSION_NEEDS_ADMIN' });
    expect(await p.sql('SELECT 1 FROM account_suspension WHERE account_id = $1 AND lifted_at IS NOT NULL', [colleague.id])).toEqual([]);
    expect(await lift(p.admin)).toMatchObject({ status: 200, body: { accountId: colleague.id } });
  });

  it("documents both 403s of the suspension and of its lift: the role check's and the staff check's", async () => {
    const doc = await json(await fetch(`${p.ops.url}/openapi.json`));
    for (const op of [doc.paths['/v1/ops/accounts/{accountId}/suspension'].post, doc.paths['/v1/ops/accounts/{accountId}/suspension/lift'].post]) {
      const forbidden: string = op.responses['403'].description;
      expect(forbidden).toContain('AUTH.ROLE_REQUIRED');
      expect(forbidden).toContain('OPS.STAFF_SUSPENSION_NEEDS_ADMIN');
    }
  });

  it('protects an account no longer once its role is revoked', async () => {
    const bea = await p.grant(await ctx.newUser(), 'operator', 'trial week');
    await holds(bea.id, ['operator']);
    expect(await suspend(bea.id, p.operator)).toMatchObject({ status: 403, code: 'OPS.STAFF_SUSPENSION_NEEDS_ADMIN' });
    await p.revoke(bea, 'operator', 'trial over');
    await holds(bea.id, []);
    expect(await rows(bea.id)).toEqual([expect.objectContaining({ role: 'operator', held: false })]);
    expect(await suspend(bea.id, p.operator, 'spam after leaving')).toMatchObject({ status: 201 });
  });

  it('applies a redelivered event once and ignores an older one delivered late', async () => {
    const target = randomUUID();
    const t0 = new Date(Date.now() - 60_000);
    const at = (s: number) => timestampFromDate(new Date(t0.getTime() + s * 1000));
    const fields = { accountId: target, actorAccountId: p.admin.id, reason: 'replayed' };
    const grant = create(AccountRoleGrantedSchema, { ...fields, role: AccountRole.OPERATOR, grantedAt: at(0) });
    const grantId = await p.publish(AccountRoleGrantedEvent, grant, { source: 'identity' });
    await p.publish(AccountRoleGrantedEvent, grant, { id: grantId, source: 'identity' });
    await holds(target, ['operator']);
    expect(await rows(target)).toEqual([{ role: 'operator', held: true, event_id: grantId }]);

    const revokeId = await p.publish(AccountRoleRevokedEvent, create(AccountRoleRevokedSchema, { ...fields, role: AccountRole.OPERATOR, revokedAt: at(10) }), { source: 'identity' });
    await holds(target, []);
    // Late: the same grant redelivered, and another grant older than the revocation.
    await p.publish(AccountRoleGrantedEvent, grant, { id: grantId, source: 'identity' });
    await p.publish(AccountRoleGrantedEvent, { ...grant, grantedAt: at(5) }, { source: 'identity' });
    // Same key, so same partition: once this one is applied, the two above have been too.
    const sentinel = await p.publish(AccountRoleGrantedEvent, { ...grant, role: AccountRole.ADMIN, grantedAt: at(20) }, { source: 'identity' });
    await holds(target, ['admin']);
    expect(await rows(target)).toEqual([
      { role: 'admin', held: true, event_id: sentinel },
      { role: 'operator', held: false, event_id: revokeId },
    ]);
    // The audit log records each distinct event once: the redelivered grant wrote nothing twice.
    const audit = await p.sql<{ id: string }>(`SELECT id FROM audit_entry WHERE target_id = $1`, [target]);
    expect(audit.map((a) => a.id).filter((id) => id === grantId)).toHaveLength(1);
    expect(audit).toHaveLength(4);
  });
});
