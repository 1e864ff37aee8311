import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultProtoDir, loadConfig, SERVICE_PROTO } from './config.js';

describe('loadConfig', () => {
  const env = {
    DATABASE_URL: 'postgres://u:p@db:5432/onair',
    KAFKA_BROKERS: 'k1:9092, k2:9092',
    AUTH_JWKS_URL: 'http://identity:7101/.well-known/jwks.json',
  };

  it('reads the environment once, with the service defaults', () => {
    const config = loadConfig(env);
    expect(config).toMatchObject({
      httpPort: 7102,
      grpc: { port: 7112 },
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
  ])('fails fast on %s, naming the variable', (_what, override, name) => {
    expect(() => loadConfig({ ...env, ...override })).toThrow(name);
  });
});
