import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultProtoDir, loadConfig, SERVICE_PROTO } from './config.js';

describe('loadConfig', () => {
  const env = {
    DATABASE_URL: 'postgres://u:p@db:5432/onair',
    KAFKA_BROKERS: 'k1:9092, k2:9092',
    AUTH_JWKS_URL: 'http://identity:7101/.well-known/jwks.json',
    INTERNAL_TLS_CA: '/tls/ca.crt',
    INTERNAL_TLS_CERT: '/tls/tls.crt',
    INTERNAL_TLS_KEY: '/tls/tls.key',
  };

  it('reads the environment once, with the service defaults', () => {
    const config = loadConfig(env);
    expect(config).toMatchObject({
      httpPort: 7102,
      // Loopback unless told otherwise: a laptop's services are not on the network.
      httpHost: '127.0.0.1',
      grpc: {
        port: 7112,
        host: '127.0.0.1',
        tls: { caFile: '/tls/ca.crt', certFile: '/tls/tls.crt', keyFile: '/tls/tls.key' },
        allowedClients: ['stream-sessions', 'notifications', 'discovery'],
      },
      database: { schema: 'social_graph' },
      kafka: { brokers: ['k1:9092', 'k2:9092'], topicPrefix: '', defaultPartitions: 6 },
      auth: { jwksUrl: env.AUTH_JWKS_URL },
    });
    expect(existsSync(join(config.grpc.protoDir, SERVICE_PROTO))).toBe(true);
  });

  it('finds the repository proto/ folder from the sources', () => {
    expect(defaultProtoDir()).toMatch(/\/proto$/);
  });

  it.each([
    ['a missing JWKS URL', { AUTH_JWKS_URL: undefined }, 'AUTH_JWKS_URL'],
    ['a gRPC port out of range', { GRPC_PORT: '70000' }, 'GRPC_PORT'],
    ['a schema name that is not an identifier', { DATABASE_SCHEMA: 'x; DROP' }, 'DATABASE_SCHEMA'],
    ['a proto folder without the service contract', { PROTO_DIR: '/tmp' }, 'PROTO_DIR'],
    ['no internal TLS (the gRPC API is mutual TLS only)', { INTERNAL_TLS_CA: undefined, INTERNAL_TLS_CERT: undefined, INTERNAL_TLS_KEY: undefined }, 'INTERNAL_TLS_CA'],
    ['half of the internal TLS files', { INTERNAL_TLS_KEY: undefined }, 'INTERNAL_TLS_CA, INTERNAL_TLS_CERT and INTERNAL_TLS_KEY go together'],
    ['a bad allowed client name', { GRPC_ALLOWED_CLIENTS: 'stream-sessions,Bad Name' }, 'GRPC_ALLOWED_CLIENTS'],
  ])('fails fast on %s, naming the variable', (_what, override, name) => {
    expect(() => loadConfig({ ...env, ...override })).toThrow(name);
  });
});
