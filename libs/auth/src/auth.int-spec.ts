import { Metadata } from '@grpc/grpc-js';
import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { configureHttpApp } from '@onair/http';
import { json, TestContext } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { decodeProtectedHeader } from 'jose';
import type { AuthenticatedUser } from './access-token.js';
import { CurrentUser, GrpcAuthGuard, Public, RequireRole, WsAuthGuard } from './auth.guards.js';
import { AuthModule } from './auth.module.js';

startTelemetry({ serviceName: 'auth-test' });

@Controller()
class ProbeController {
  @Get('whoami')
  whoami(@CurrentUser() user: AuthenticatedUser) {
    return user;
  }

  @Public()
  @Get('open')
  open() {
    return { open: true };
  }

  @RequireRole('operator')
  @Get('operators')
  operators(@CurrentUser() user: AuthenticatedUser) {
    return user;
  }

  @RequireRole('admin')
  @Get('admins')
  admins() {
    return { admin: true };
  }

  // A role wins over @Public: forgetting the one cannot open the other.
  @Public()
  @RequireRole('operator')
  @Get('public-operators')
  publicOperators() {
    return { operator: true };
  }
}

/**
 * A service that is not identity, verifying real identity tokens locally from the JWKS —
 * including across a key rotation done with identity's operator command.
 */
describe('libs/auth against the real identity service', () => {
  const ctx = TestContext.create('auth_jwks');
  const publishAhead = 2;
  let app: INestApplication;
  let base: string;
  let identity: Awaited<ReturnType<TestContext['startIdentity']>>;

  beforeAll(async () => {
    identity = await ctx.startIdentity({ KEY_PUBLISH_AHEAD_SECONDS: String(publishAhead), SIGNING_KEY_CACHE_SECONDS: '0' });
    @Module({ imports: [AuthModule.forRoot({ jwksUrl: identity.jwksUrl, jwksCacheMaxAgeMs: 1000 })], controllers: [ProbeController] })
    class ProbeModule {}
    app = await NestFactory.create(ProbeModule, { logger: false, bodyParser: false, abortOnError: false });
    configureHttpApp(app, { serviceName: 'probe', version: '1', description: 'probe', readiness: async () => ({}) });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
    ctx.onCleanup(() => app.close());
  });
  afterAll(() => ctx.cleanup());

  const whoami = (headers: Record<string, string> = {}) => fetch(`${base}/whoami`, { headers });

  it('accepts identity tokens, refuses none, and leaves @Public routes open', async () => {
    const ann = await ctx.newUser();
    const res = await whoami(ann.authHeader);
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ accountId: ann.id, handle: ann.handle });
    const none = await whoami();
    expect((await json(none)).error.code).toBe('AUTH.TOKEN_MISSING');
    expect((await fetch(`${base}/open`)).status).toBe(200);
  });

  it('lets through @RequireRole routes only tokens with the role (an admin counts as an operator): 403 for others, 401 without a token', async () => {
    const [plain, operator, admin] = [await ctx.newUser(), await ctx.newUser(), await ctx.newUser()];
    const cli = join(ctx.infra.repoRoot, 'services/identity/dist/src/roles/grant-admin.cli.js');
    execFileSync(process.execPath, [cli, admin.handle], { env: { PATH: process.env.PATH, ...identityEnv() }, encoding: 'utf8' });
    const adminToken = await refreshed(admin);
    const granted = await fetch(`${identity.url}/v1/accounts/${operator.id}/roles/operator`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'probe' }),
    });
    expect(granted.status).toBe(204);
    const operatorToken = await refreshed(operator);

    const answer = async (path: string, token?: string) => {
      const res = await fetch(`${base}/${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      return { status: res.status, code: (await json(res)).error?.code as string | undefined };
    };
    const ok = { status: 200, code: undefined };
    const forbidden = { status: 403, code: 'AUTH.ROLE_REQUIRED' };
    const table = async (token?: string) => [await answer('operators', token), await answer('admins', token), await answer('public-operators', token)];
    expect(await table(plain.accessToken)).toEqual([forbidden, forbidden, forbidden]);
    expect(await table(operatorToken)).toEqual([ok, forbidden, ok]);
    expect(await table(adminToken)).toEqual([ok, ok, ok]);
    const missing = { status: 401, code: 'AUTH.TOKEN_MISSING' };
    expect(await table()).toEqual([missing, missing, missing]);
    expect(await json(await whoami({ authorization: `Bearer ${operatorToken}` }))).toMatchObject({ accountId: operator.id, roles: ['operator'] });
    expect(await json(await whoami(plain.authHeader))).toMatchObject({ accountId: plain.id, roles: [] });
  });

  /** identity's environment for this suite (its operator commands read the same). */
  const identityEnv = () => ({
    DATABASE_URL: ctx.infra.pgUrl,
    DATABASE_SCHEMA: ctx.schema('identity'),
    KAFKA_BROKERS: ctx.infra.kafkaBrokers.join(','),
    KAFKA_TOPIC_PREFIX: ctx.topicPrefix,
  });

  /** A new access token for the user: it carries the roles the account holds now. */
  async function refreshed(user: { refreshToken: string }): Promise<string> {
    const res = await fetch(`${identity.url}/v1/sessions/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: user.refreshToken }),
    });
    expect(res.status).toBe(200);
    return (await json(res)).accessToken;
  }

  it('keeps old and new tokens valid across a key rotation (new key published ahead of use)', async () => {
    const before = await ctx.newUser();
    expect((await whoami(before.authHeader)).status).toBe(200); // the probe has cached the JWKS now
    const out = execFileSync(process.execPath, [join(ctx.infra.repoRoot, 'services/identity/dist/src/signing-keys/rotate-signing-key.cli.js')], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: ctx.infra.pgUrl,
        DATABASE_SCHEMA: ctx.schema('identity'),
        KAFKA_BROKERS: ctx.infra.kafkaBrokers.join(','),
        KEY_PUBLISH_AHEAD_SECONDS: String(publishAhead),
      },
      encoding: 'utf8',
    });
    const newKid = /signing with new key (\S+)/.exec(out)![1];
    await new Promise((r) => setTimeout(r, publishAhead * 1000 + 500));
    const after = await ctx.newUser();
    expect(decodeProtectedHeader(after.accessToken).kid).toBe(newKid);
    expect(decodeProtectedHeader(before.accessToken).kid).not.toBe(newKid);
    expect((await whoami(after.authHeader)).status).toBe(200);
    expect((await whoami(before.authHeader)).status).toBe(200);
  });

  it('guards gRPC calls by the authorization metadata and WebSocket upgrades by access_token', async () => {
    const user = await ctx.newUser();
    const grpc = app.get(GrpcAuthGuard);
    const rpc = (metadata: Metadata, data: Record<string, unknown>) => {
      const host = new ExecutionContextHost([data, metadata]);
      host.setType('rpc');
      return host;
    };
    const good = new Metadata();
    good.set('authorization', user.authHeader.authorization);
    const data: { user?: AuthenticatedUser } = {};
    await expect(grpc.canActivate(rpc(good, data))).resolves.toBe(true);
    expect(data.user?.accountId).toBe(user.id);
    await expect(grpc.canActivate(rpc(new Metadata(), {}))).rejects.toMatchObject({ code: 'AUTH.TOKEN_MISSING' });

    const ws = app.get(WsAuthGuard);
    const wsHost = (url: string) => {
      const host = new ExecutionContextHost([{ upgradeRequest: { url, headers: {} } }, {}]);
      host.setType('ws');
      return host;
    };
    await expect(ws.canActivate(wsHost(`/signal?access_token=${user.accessToken}`))).resolves.toBe(true);
    await expect(ws.canActivate(wsHost('/signal?access_token=forged.token.value'))).rejects.toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
  });
});
