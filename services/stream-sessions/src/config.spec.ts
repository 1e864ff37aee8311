import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SOCIAL_GRAPH_PROTO } from '@onair/social-graph-client';
import { defaultProtoDir, loadConfig, SERVICE_PROTO } from './config.js';

describe('loadConfig', () => {
  const env = {
    DATABASE_URL: 'postgres://u:p@db:5432/onair',
    KAFKA_BROKERS: 'k1:9092',
    AUTH_JWKS_URL: 'http://identity:7101/.well-known/jwks.json',
    INTERNAL_TLS_CA: '/tls/ca.crt',
    INTERNAL_TLS_CERT: '/tls/tls.crt',
    INTERNAL_TLS_KEY: '/tls/tls.key',
  };

  it('serves its gRPC API on loopback port 7113 to discovery and ops by default, with its own certificate', () => {
    const config = loadConfig(env);
    expect(config).toMatchObject({
      httpPort: 7103,
      httpHost: '127.0.0.1',
      grpc: {
        port: 7113,
        host: '127.0.0.1',
        tls: { caFile: '/tls/ca.crt', certFile: '/tls/tls.crt', keyFile: '/tls/tls.key' },
        allowedClients: ['discovery', 'ops'],
      },
      socialGraph: { address: '127.0.0.1:7112' },
    });
    for (const file of [SERVICE_PROTO, SOCIAL_GRAPH_PROTO]) expect(existsSync(join(config.grpc.protoDir, file))).toBe(true);
    expect(defaultProtoDir()).toMatch(/\/proto$/);
  });

  it('takes the gRPC address and callers from the environment', () => {
    const config = loadConfig({ ...env, GRPC_PORT: '17113', GRPC_HOST: '0.0.0.0', GRPC_ALLOWED_CLIENTS: ' discovery, notifications ,' });
    expect(config.grpc).toMatchObject({ port: 17113, host: '0.0.0.0', allowedClients: ['discovery', 'notifications'] });
  });

  it.each([
    ['a gRPC port out of range', { GRPC_PORT: '70000' }, 'GRPC_PORT'],
    ['a gRPC host that is not an address', { GRPC_HOST: 'example.org' }, 'GRPC_HOST'],
    ['a bad allowed client name', { GRPC_ALLOWED_CLIENTS: 'discovery,Bad Name' }, 'GRPC_ALLOWED_CLIENTS'],
    ['no allowed client at all', { GRPC_ALLOWED_CLIENTS: ' , ' }, 'GRPC_ALLOWED_CLIENTS'],
    ['a proto folder without the service contract', { PROTO_DIR: '/tmp' }, 'PROTO_DIR'],
    ['no internal TLS (its gRPC API is mutual TLS only)', { INTERNAL_TLS_CA: undefined, INTERNAL_TLS_CERT: undefined, INTERNAL_TLS_KEY: undefined }, 'INTERNAL_TLS_CA'],
  ])('fails fast on %s, naming the variable', (_what, override, name) => {
    expect(() => loadConfig({ ...env, ...override })).toThrow(name);
  });
});
