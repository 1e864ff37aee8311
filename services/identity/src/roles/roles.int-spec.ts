import { AccountRole, AccountRoleGrantedEvent, AccountRoleRevokedEvent, SessionsRevokedEvent, SessionsRevokedReason } from '@onair/contracts';
import { EventCollector, json, TestContext, waitUntil } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { grantAdmin, IdentityClient, rolesIn, startIdentityApp, type Person } from './roles.test-app.js';

startTelemetry({ serviceName: 'identity' });

describe('operator roles: admins grant and revoke them, tokens carry them, every change is an event', () => {
  const ctx = TestContext.create('identity_roles');
  let api: IdentityClient;
  let root: Person;
  let granted: EventCollector<typeof AccountRoleGrantedEvent.schema>;
  let revoked: EventCollector<typeof AccountRoleRevokedEvent.schema>;
  let sessionsRevoked: EventCollector<typeof SessionsRevokedEvent.schema>;

  beforeAll(async () => {
    api = new IdentityClient((await startIdentityApp(ctx)).base);
    [granted, revoked, sessionsRevoked] = await Promise.all([
      EventCollector.start(ctx, AccountRoleGrantedEvent),
      EventCollector.start(ctx, AccountRoleRevokedEvent),
      EventCollector.start(ctx, SessionsRevokedEvent),
    ]);
    root = await api.signUp('root');
    expect(grantAdmin(ctx, root.handle).status).toBe(0);
    await api.refresh(root);
  }, 120_000);
  afterAll(() => ctx.cleanup());

  const reason = (what: string) => ({ reason: `${what}: ticket #42` });
  const of = <T extends { message: { accountId: string } }>(events: T[], accountId: string) => events.filter((e) => e.message.accountId === accountId);

  /** Identity itself refuses the token within seconds of the revocation (libs/auth follows sessions.revoked.v1). */
  async function expectRevoked(accessToken: string) {
    await waitUntil(async () => (await api.call('GET', '/v1/users/me', undefined, accessToken)).status === 401, 5000, 'the token refused');
    expect(await api.answer('GET', '/v1/users/me', undefined, accessToken)).toEqual({ status: 401, code: 'AUTH.TOKEN_REVOKED' });
  }

  it('puts the roles held in access tokens at sign-in and refresh; a plain user has none', async () => {
    expect(rolesIn(root.accessToken)).toEqual(['admin']);
    expect(rolesIn((await api.signIn(root.handle)).accessToken)).toEqual(['admin']);
    const plain = await api.signUp();
    expect(rolesIn(plain.accessToken)).toBeUndefined();
    expect(rolesIn((await api.refresh(plain)).accessToken)).toBeUndefined();
  });

  it('lets an admin grant a role: an event with actor and reason, the role on the next refresh', async () => {
    const ann = await api.signUp('ann');
    expect((await api.call('PUT', api.roles(ann.id, 'operator'), reason('moderates chat'), root.accessToken)).status).toBe(204);
    expect(await json(await api.call('GET', api.roles(ann.id), undefined, root.accessToken))).toEqual({ roles: ['operator'] });
    // Granting does not end sessions: the old token still works, without the role until refreshed.
    expect(rolesIn(ann.accessToken)).toBeUndefined();
    expect((await api.call('GET', '/v1/users/me', undefined, ann.accessToken)).status).toBe(200);
    expect(rolesIn((await api.refresh(ann)).accessToken)).toEqual(['operator']);

    await waitUntil(() => of(granted.events, ann.id).length === 1, 15_000, "ann's grant on Kafka");
    const [event] = of(granted.events, ann.id);
    expect(event.key).toBe(ann.id);
    expect(event.message).toMatchObject({ role: AccountRole.OPERATOR, actorAccountId: root.id, reason: 'moderates chat: ticket #42' });
    expect(Math.abs(Number(event.message.grantedAt?.seconds) * 1000 - Date.now())).toBeLessThan(60_000);
  });

  it('ends every session of the account when a role is revoked, so no token keeps it', async () => {
    const bob = await api.signUp('bob');
    expect((await api.call('PUT', api.roles(bob.id, 'operator'), reason('on call'), root.accessToken)).status).toBe(204);
    await api.refresh(bob);
    const laptop = await api.signIn(bob.handle);
    expect([rolesIn(bob.accessToken), rolesIn(laptop.accessToken)]).toEqual([['operator'], ['operator']]);

    expect((await api.call('DELETE', api.roles(bob.id, 'operator'), reason('rotation ended'), root.accessToken)).status).toBe(204);
    expect(await json(await api.call('GET', api.roles(bob.id), undefined, root.accessToken))).toEqual({ roles: [] });
    for (const token of [bob.accessToken, laptop.accessToken]) await expectRevoked(token);
    expect(await api.answer('POST', '/v1/sessions/refresh', { refreshToken: laptop.refreshToken })).toEqual({ status: 401, code: 'IDENTITY.REFRESH_TOKEN_INVALID' });
    expect(rolesIn((await api.signIn(bob.handle)).accessToken)).toBeUndefined();

    await waitUntil(() => of(revoked.events, bob.id).length === 1, 15_000, "bob's revocation on Kafka");
    expect(of(revoked.events, bob.id)[0].message).toMatchObject({ role: AccountRole.OPERATOR, actorAccountId: root.id, reason: 'rotation ended: ticket #42' });
    await waitUntil(() => of(sessionsRevoked.events, bob.id).length === 1, 15_000, "bob's sessions.revoked.v1");
    const [ended] = of(sessionsRevoked.events, bob.id);
    expect(ended.message.reason).toBe(SessionsRevokedReason.ROLE_REVOKED);
    expect(ended.message.sessionIds).toHaveLength(2);
  });

  it('is idempotent: granting a held role or revoking one not held answers 204 and writes nothing', async () => {
    const cat = await api.signUp('cat');
    const put = () => api.call('PUT', api.roles(cat.id, 'operator'), reason('grant'), root.accessToken);
    const del = (role: string) => api.call('DELETE', api.roles(cat.id, role), reason('revoke'), root.accessToken);
    expect((await put()).status).toBe(204);
    expect((await put()).status).toBe(204);
    expect((await del('admin')).status).toBe(204); // never held: cat's session lives on
    expect((await api.call('GET', '/v1/users/me', undefined, cat.accessToken)).status).toBe(200);
    expect((await del('operator')).status).toBe(204);
    expect((await del('operator')).status).toBe(204);
    expect((await put()).status).toBe(204);
    // One account's events share a partition, in order: the last grant arriving means every
    // earlier write has arrived too.
    await waitUntil(() => of(granted.events, cat.id).length === 2, 15_000, "cat's second grant");
    expect(of(granted.events, cat.id)).toHaveLength(2);
    expect(of(revoked.events, cat.id)).toHaveLength(1);
    expect(of(sessionsRevoked.events, cat.id)).toHaveLength(1);
  });

  it('refuses plain users and operators with 403 AUTH.ROLE_REQUIRED, callers without a token with 401', async () => {
    const plain = await api.signUp();
    const operator = await api.signUp('op');
    await api.call('PUT', api.roles(operator.id, 'operator'), reason('ops'), root.accessToken);
    await api.refresh(operator);
    const target = await api.signUp();
    const forbidden = { status: 403, code: 'AUTH.ROLE_REQUIRED' };
    for (const caller of [plain, operator]) {
      expect(await api.answer('PUT', api.roles(target.id, 'admin'), reason('self-service'), caller.accessToken)).toEqual(forbidden);
      expect(await api.answer('DELETE', api.roles(root.id, 'admin'), reason('coup'), caller.accessToken)).toEqual(forbidden);
    }
    expect(await api.answer('GET', api.roles(target.id), undefined, plain.accessToken)).toEqual(forbidden);
    expect(await api.answer('GET', api.roles(target.id), undefined, operator.accessToken)).toEqual({ status: 200 });
    expect(await api.answer('PUT', api.roles(target.id, 'admin'), reason('x'))).toEqual({ status: 401, code: 'AUTH.TOKEN_MISSING' });
    expect(await json(await api.call('GET', api.roles(root.id), undefined, operator.accessToken))).toEqual({ roles: ['admin'] });
    expect(await json(await api.call('GET', api.roles(target.id), undefined, root.accessToken))).toEqual({ roles: [] });
  });

  it('answers an unknown account with 404, a bad role, id or reason with 400 naming the field', async () => {
    const unknown = '0b6f1c1e-2a4e-4d7a-9a47-3f1f4b0c9d11';
    for (const [method, role] of [['PUT', 'operator'], ['DELETE', 'operator'], ['GET', undefined]] as const) {
      expect(await api.answer(method, api.roles(unknown, role), method === 'GET' ? undefined : reason('x'), root.accessToken)).toEqual({ status: 404, code: 'IDENTITY.ACCOUNT_NOT_FOUND' });
    }
    const dan = await api.signUp('dan');
    const bad: Array<[string, string, unknown, string]> = [
      ['an unknown role', api.roles(dan.id, 'superuser'), reason('x'), 'role'],
      ['a role in capitals', api.roles(dan.id, 'ADMIN'), reason('x'), 'role'],
      ['not an account id', api.roles('not-an-id', 'operator'), reason('x'), 'accountId'],
      ['no reason', api.roles(dan.id, 'operator'), {}, 'reason'],
      ['a blank reason', api.roles(dan.id, 'operator'), { reason: '   ' }, 'reason'],
      ['a reason over 500 characters', api.roles(dan.id, 'operator'), { reason: 'x'.repeat(501) }, 'reason'],
      ['a bidi override in the reason', api.roles(dan.id, 'operator'), { reason: 'abuse \u202Egnp.exe' }, 'reason'],
      ['an unknown field', api.roles(dan.id, 'operator'), { reason: 'x', silent: true }, 'silent'],
    ];
    for (const [what, path, body, field] of bad) {
      for (const method of ['PUT', 'DELETE']) {
        const res = await api.call(method, path, body, root.accessToken);
        const answer = await json(res);
        expect({ what, method, status: res.status, code: answer.error.code, fields: answer.error.details.fields.map((f: { field: string }) => f.field) }).toEqual({
          what,
          method,
          status: 400,
          code: 'REQUEST.VALIDATION_FAILED',
          fields: expect.arrayContaining([field]),
        });
      }
    }
    expect(await json(await api.call('GET', api.roles(dan.id), undefined, root.accessToken))).toEqual({ roles: [] });
  });

  it('refuses an admin revoking their own admin role (409); another admin can, and the table overrules a stale token', async () => {
    expect(await api.answer('DELETE', api.roles(root.id, 'admin'), reason('stepping down'), root.accessToken)).toEqual({ status: 409, code: 'IDENTITY.OWN_ADMIN_ROLE' });
    expect(await json(await api.call('GET', api.roles(root.id), undefined, root.accessToken))).toEqual({ roles: ['admin'] });

    const eve = await api.signUp('eve');
    expect((await api.call('PUT', api.roles(eve.id, 'admin'), reason('second admin'), root.accessToken)).status).toBe(204);
    await api.refresh(eve);
    const stale = root.accessToken;
    expect((await api.call('DELETE', api.roles(root.id, 'admin'), reason('root steps down'), eve.accessToken)).status).toBe(204);
    // Root's token still says admin until the revocation reaches every service; identity checks
    // its own table, so root can no longer change roles even meanwhile.
    const meanwhile = await api.answer('DELETE', api.roles(eve.id, 'admin'), reason('revenge'), stale);
    expect([{ status: 403, code: 'AUTH.ROLE_REQUIRED' }, { status: 401, code: 'AUTH.TOKEN_REVOKED' }]).toContainEqual(meanwhile);
    await expectRevoked(stale);
    expect(await json(await api.call('GET', api.roles(eve.id), undefined, eve.accessToken))).toEqual({ roles: ['admin'] });
    root = { ...root, ...(await api.signIn(root.handle)) };
    expect(rolesIn(root.accessToken)).toBeUndefined();
  });
});
