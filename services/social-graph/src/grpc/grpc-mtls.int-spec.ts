import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import { ServiceTls } from '@onair/service-tls';
import { rogueServiceTlsFiles, TestContext } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { grpcErrorCode, socialGraphClient, startSocialGraph, UNUSED_JWKS_URL, unary, type RunningSocialGraph } from '../social-graph.test-app.js';

startTelemetry({ serviceName: 'social-graph' });

// The internal gRPC API takes mutual TLS only, and only from the services allowed to call it.
describe('social-graph gRPC: mutual TLS between services', () => {
  const ctx = TestContext.create('sg_grpc_mtls');
  let sg: RunningSocialGraph;
  const request = { followerId: randomUUID(), followeeId: randomUUID() };

  beforeAll(async () => {
    sg = await startSocialGraph(ctx, UNUSED_JWKS_URL);
  });
  afterAll(() => ctx.cleanup());

  const call = async (client: ReturnType<typeof socialGraphClient>) => {
    try {
      return await unary(client, 'isFollowing', request);
    } finally {
      client.close();
    }
  };
  /** The same generated client, with other credentials. */
  const withCredentials = (creds: ReturnType<typeof credentials.createInsecure>) => {
    const client = socialGraphClient(sg.grpcAddress, ctx.infra.pkiDir);
    const Ctor = client.constructor as new (address: string, creds: unknown, options: unknown) => typeof client;
    client.close();
    return new Ctor(sg.grpcAddress, creds, { ...ServiceTls.grpcChannelOptions('social-graph'), 'grpc.initial_reconnect_backoff_ms': 100 });
  };

  it('answers an allowed service presenting its certificate', async () => {
    await expect(call(socialGraphClient(sg.grpcAddress, ctx.infra.pkiDir, 'stream-sessions'))).resolves.toEqual({ following: false });
    await expect(call(socialGraphClient(sg.grpcAddress, ctx.infra.pkiDir, 'notifications'))).resolves.toEqual({ following: false });
  });

  it('refuses an OnAir service that is not among the allowed callers with PERMISSION_DENIED and a code', async () => {
    const err = (await call(socialGraphClient(sg.grpcAddress, ctx.infra.pkiDir, 'identity')).catch((e) => e)) as ServiceError;
    expect(err.code).toBe(status.PERMISSION_DENIED);
    expect(grpcErrorCode(err)).toBe('AUTH.SERVICE_NOT_ALLOWED');
  });

  it('does not get past the handshake without a certificate, with plaintext, or with a certificate from another CA', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onair-rogue-'));
    try {
      const ca = ServiceTls.load({ caFile: join(ctx.infra.pkiDir, 'ca.crt'), certFile: join(ctx.infra.pkiDir, 'stream-sessions.crt'), keyFile: join(ctx.infra.pkiDir, 'stream-sessions.key') }).ca;
      const rogue = ServiceTls.load(rogueServiceTlsFiles(dir, 'stream-sessions'));
      for (const creds of [credentials.createInsecure(), credentials.createSsl(ca), credentials.createSsl(ca, rogue.key, rogue.cert)]) {
        const err = (await call(withCredentials(creds)).catch((e) => e)) as ServiceError;
        expect(err.code).toBe(status.UNAVAILABLE);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

});
