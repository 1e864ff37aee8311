import { AccountRole, AccountRoleGrantedEvent } from '@onair/contracts';
import { EventCollector, json, TestContext } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { grantAdmin, IdentityClient, rolesIn, startIdentityApp } from './roles.test-app.js';

startTelemetry({ serviceName: 'identity' });

// The command that makes the first admin of a fresh install (tools/onair ops grant-admin), run
// from identity's build against the suite's database while identity runs and relays its outbox.
describe('grant-admin: the first admin from the command line', () => {
  const ctx = TestContext.create('identity_grant_admin');
  let api: IdentityClient;

  beforeAll(async () => {
    api = new IdentityClient((await startIdentityApp(ctx)).base);
  }, 120_000);
  afterAll(() => ctx.cleanup());

  it('grants admin to an existing account once, with an event that names no actor', async () => {
    const granted = await EventCollector.start(ctx, AccountRoleGrantedEvent);
    const ann = await api.signUp('ann');
    const first = grantAdmin(ctx, ann.handle.toUpperCase());
    expect(first).toMatchObject({ status: 0, stderr: '' });
    expect(first.stdout).toBe(`granted admin to @${ann.handle} (${ann.id})\n`);
    const again = grantAdmin(ctx, `@${ann.handle}`);
    expect(again).toMatchObject({ status: 0, stdout: `@${ann.handle} (${ann.id}) is an admin already; nothing changed\n` });

    const [event] = await granted.waitFor(1);
    expect(event.key).toBe(ann.id);
    expect(event.message).toMatchObject({ accountId: ann.id, role: AccountRole.ADMIN, actorAccountId: '', reason: 'granted from tools/onair' });
    // The new admin's next token carries the role, and with it the admin API opens.
    expect(rolesIn(ann.accessToken)).toBeUndefined();
    await api.refresh(ann);
    expect(rolesIn(ann.accessToken)).toEqual(['admin']);
    expect(await json(await api.call('GET', api.roles(ann.id), undefined, ann.accessToken))).toEqual({ roles: ['admin'] });
    // The second run wrote nothing: a later grant to ann (same key, same partition, in order)
    // arrives right behind the first one.
    expect((await api.call('PUT', api.roles(ann.id, 'operator'), { reason: 'also on call' }, ann.accessToken)).status).toBe(204);
    await granted.waitFor(2);
    expect(granted.events.map((e) => [e.message.role, e.message.actorAccountId])).toEqual([
      [AccountRole.ADMIN, ''],
      [AccountRole.OPERATOR, ann.id],
    ]);
  });

  it('fails with exit 1 and says why for an unknown handle or a malformed argument', async () => {
    const unknown = grantAdmin(ctx, 'nobody_here');
    expect(unknown).toMatchObject({ status: 1, stdout: '' });
    expect(unknown.stderr).toBe('grant-admin failed: no account with handle @nobody_here: sign it up first\n');
    for (const args of [[], ['a b'], ['ann', 'bob']]) {
      const bad = grantAdmin(ctx, ...args);
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/^grant-admin failed: usage: grant-admin <handle>/);
    }
  });
});
