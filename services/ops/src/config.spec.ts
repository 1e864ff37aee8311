import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, STREAM_SESSIONS_PROTO } from './config.js';

describe('ops configuration', () => {
  const base = {
    DATABASE_URL: 'postgres://ops@127.0.0.1:55432/onair',
    KAFKA_BROKERS: '127.0.0.1:59092',
    AUTH_JWKS_URL: 'http://127.0.0.1:7101/.well-known/jwks.json',
    INTERNAL_TLS_CA: '/tls/ca.crt',
    INTERNAL_TLS_CERT: '/tls/tls.crt',
    INTERNAL_TLS_KEY: '/tls/tls.key',
  };

  it('defaults to port 7108 on loopback, schema ops, 50 open reports per reporter', () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({ httpPort: 7108, httpHost: '127.0.0.1', database: { schema: 'ops' }, openReportsPerReporter: 50, logLevel: 'info' });
  });

  it("calls stream-sessions' gRPC API on loopback port 7113 with its own certificate, its contract found in the repository", () => {
    const config = loadConfig(base);
    expect(config.streamSessions).toMatchObject({
      address: '127.0.0.1:7113',
      timeoutMs: 3000,
      tls: { caFile: '/tls/ca.crt', certFile: '/tls/tls.crt', keyFile: '/tls/tls.key' },
    });
    expect(existsSync(join(config.streamSessions.protoDir, STREAM_SESSIONS_PROTO))).toBe(true);
    expect(loadConfig({ ...base, STREAM_SESSIONS_GRPC_URL: 'stream-sessions:443' }).streamSessions.address).toBe('stream-sessions:443');
  });

  it.each([
    ['an address that is not host:port', { STREAM_SESSIONS_GRPC_URL: 'http://stream-sessions:7113' }, 'STREAM_SESSIONS_GRPC_URL'],
    ['a timeout below 100 ms', { STREAM_SESSIONS_TIMEOUT_MS: '50' }, 'STREAM_SESSIONS_TIMEOUT_MS'],
    ['a proto folder without stream-sessions\' contract', { PROTO_DIR: '/tmp' }, 'PROTO_DIR'],
    ['no internal TLS (stream-sessions takes mutual TLS only)', { INTERNAL_TLS_CA: undefined, INTERNAL_TLS_CERT: undefined, INTERNAL_TLS_KEY: undefined }, 'INTERNAL_TLS_CA'],
  ])('fails fast on %s, naming the variable', (_what, override, name) => {
    expect(() => loadConfig({ ...base, ...override })).toThrow(name);
  });

  it('names every bad variable in one error', () => {
    expect(() => loadConfig({ ...base, AUTH_JWKS_URL: 'identity:7101', OPS_OPEN_REPORTS_PER_REPORTER: '0', DATABASE_SCHEMA: 'Ops' })).toThrow(
      /AUTH_JWKS_URL[\s\S]*OPS_OPEN_REPORTS_PER_REPORTER|OPS_OPEN_REPORTS_PER_REPORTER[\s\S]*AUTH_JWKS_URL/,
    );
    expect(() => loadConfig({ ...base, OPS_OPEN_REPORTS_PER_REPORTER: '10001' })).toThrow(/OPS_OPEN_REPORTS_PER_REPORTER/);
  });
});
