import { TestContext } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { grantAdmin, IdentityClient, startIdentityApp, type Person } from './roles.test-app.js';

startTelemetry({ serviceName: 'identity' });

// The platform is never left without an admin: the only admin cannot delete their account
// (409 IDENTITY.LAST_ADMIN, nothing changes); once another admin exists, they can.
describe('the last admin cannot delete their account', () => {
  const ctx = TestContext.create('identity_last_admin');
  let api: IdentityClient;

  beforeAll(async () => {
    api = new IdentityClient((await startIdentityApp(ctx)).base);
  }, 120_000);
  afterAll(() => ctx.cleanup());

  const deleteOwn = (p: Person) => api.answer('DELETE', '/v1/accounts/me', { password: `pw-of-${p.handle}-long` }, p.accessToken);

  it('refuses the only admin with 409, and lets them go once another admin exists', async () => {
    const root = await api.signUp('root');
    expect(grantAdmin(ctx, root.handle).status).toBe(0);
    await api.refresh(root);
    expect(await deleteOwn(root)).toEqual({ status: 409, code: 'IDENTITY.LAST_ADMIN' });
    expect((await api.call('GET', '/v1/users/me', undefined, root.accessToken)).status).toBe(200);

    // A plain user and an operator are not admins: their deletion is not held up.
    const plain = await api.signUp('plain');
    expect(await deleteOwn(plain)).toEqual({ status: 204 });

    const next = await api.signUp('next');
    expect((await api.call('PUT', api.roles(next.id, 'admin'), { reason: 'handing over' }, root.accessToken)).status).toBe(204);
    await api.refresh(next);
    expect(await deleteOwn(root)).toEqual({ status: 204 });
    expect(await deleteOwn(next)).toEqual({ status: 409, code: 'IDENTITY.LAST_ADMIN' });
  });
});
