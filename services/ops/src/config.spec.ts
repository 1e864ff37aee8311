import { loadConfig } from './config.js';

describe('ops configuration', () => {
  const base = { DATABASE_URL: 'postgres://ops@127.0.0.1:55432/onair', KAFKA_BROKERS: '127.0.0.1:59092', AUTH_JWKS_URL: 'http://127.0.0.1:7101/.well-known/jwks.json' };

  it('defaults to port 7108 on loopback, schema ops, 50 open reports per reporter', () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({ httpPort: 7108, httpHost: '127.0.0.1', database: { schema: 'ops' }, openReportsPerReporter: 50, logLevel: 'info' });
  });

  it('names every bad variable in one error', () => {
    expect(() => loadConfig({ ...base, AUTH_JWKS_URL: 'identity:7101', OPS_OPEN_REPORTS_PER_REPORTER: '0', DATABASE_SCHEMA: 'Ops' })).toThrow(
      /AUTH_JWKS_URL[\s\S]*OPS_OPEN_REPORTS_PER_REPORTER|OPS_OPEN_REPORTS_PER_REPORTER[\s\S]*AUTH_JWKS_URL/,
    );
    expect(() => loadConfig({ ...base, OPS_OPEN_REPORTS_PER_REPORTER: '10001' })).toThrow(/OPS_OPEN_REPORTS_PER_REPORTER/);
  });
});
