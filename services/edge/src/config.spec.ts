import { loadConfig } from './config.js';

describe('edge configuration', () => {
  it('defaults to the local platform: port 8080 on loopback, every service', () => {
    const config = loadConfig({});
    expect(config.httpPort).toBe(8080);
    expect(config.httpHost).toBe('127.0.0.1');
    expect([...config.services].map(([name, url]) => [name, url.origin])).toEqual([
      ['identity', 'http://127.0.0.1:7101'],
      ['social-graph', 'http://127.0.0.1:7102'],
      ['stream-sessions', 'http://127.0.0.1:7103'],
      ['sfu-worker', 'http://127.0.0.1:7104'],
      ['chat', 'http://127.0.0.1:7105'],
      ['discovery', 'http://127.0.0.1:7106'],
      ['notifications', 'http://127.0.0.1:7107'],
      ['ops', 'http://127.0.0.1:7108'],
    ]);
    expect(config.routes.map((r) => [r.prefix, r.service, r.target.origin])).toEqual([
      ['/v1/accounts', 'identity', 'http://127.0.0.1:7101'],
      ['/v1/sessions', 'identity', 'http://127.0.0.1:7101'],
      ['/v1/users', 'identity', 'http://127.0.0.1:7101'],
      ['/.well-known/jwks.json', 'identity', 'http://127.0.0.1:7101'],
      ['/v1/graph', 'social-graph', 'http://127.0.0.1:7102'],
      ['/v1/broadcasts', 'stream-sessions', 'http://127.0.0.1:7103'],
      ['/v1/sfu', 'sfu-worker', 'http://127.0.0.1:7104'],
      ['/v1/chat', 'chat', 'http://127.0.0.1:7105'],
      ['/v1/discovery', 'discovery', 'http://127.0.0.1:7106'],
      ['/v1/notifications', 'notifications', 'http://127.0.0.1:7107'],
      ['/v1/reports', 'ops', 'http://127.0.0.1:7108'],
      ['/v1/ops', 'ops', 'http://127.0.0.1:7108'],
    ]);
  });

  it('reads routes as JSON or as prefix=target pairs, a target being an origin or a service name', () => {
    const env = { EDGE_SERVICES: '{"chat": "http://chat:7105"}' };
    const asJson = loadConfig({ ...env, EDGE_ROUTES: '{"/v1/chat": "chat", "/v1/rooms": "http://rooms:80"}' });
    const asPairs = loadConfig({ ...env, EDGE_ROUTES: ' /v1/chat=chat , /v1/rooms=http://rooms:80 ' });
    for (const config of [asJson, asPairs]) {
      expect(config.routes.map((r) => [r.prefix, r.service, r.target.href])).toEqual([
        ['/v1/chat', 'chat', 'http://chat:7105/'],
        ['/v1/rooms', undefined, 'http://rooms/'],
      ]);
    }
  });

  it('trusts no proxy by default and reads EDGE_TRUSTED_PROXIES as addresses and CIDR ranges', () => {
    const local = loadConfig({});
    expect(local.trustedProxies.ranges).toEqual([]);
    expect(local.internalHost).toBe('127.0.0.1');
    const behind = loadConfig({ EDGE_TRUSTED_PROXIES: '10.0.0.0/8, 192.0.2.7,2001:db8::/32' });
    expect(behind.trustedProxies.trusts('10.4.5.6')).toBe(true);
    expect(behind.trustedProxies.trusts('192.0.2.7')).toBe(true);
    expect(behind.trustedProxies.trusts('192.0.2.8')).toBe(false);
    expect(behind.trustedProxies.trusts('2001:db8::1')).toBe(true);
    expect(() => loadConfig({ EDGE_TRUSTED_PROXIES: '10.0.0.0/33,example.org,1.2.3.4/8/9' })).toThrow(
      /EDGE_TRUSTED_PROXIES: "10.0.0.0\/33" is not an address or CIDR range; EDGE_TRUSTED_PROXIES: "example.org"/,
    );
  });

  it('accepts a catch-all / route (what neither the API nor the web client answers goes there)', () => {
    expect(loadConfig({ EDGE_ROUTES: '/=http://web:3000' }).routes[0].prefix).toBe('/');
  });

  it("serves this checkout's web client build unless EDGE_WEB_ROOT names another or is empty", () => {
    expect(loadConfig({}).webClient).toEqual({ root: expect.stringMatching(/services\/web\/dist$/), required: false });
    expect(loadConfig({ EDGE_WEB_ROOT: '/srv/web' }).webClient).toEqual({ root: '/srv/web', required: true });
    expect(loadConfig({ EDGE_WEB_ROOT: '' }).webClient).toBeUndefined();
  });

  it('reads EDGE_CSP_CONNECT_SRC as the SFU hosts pages may connect to, and nothing that could widen the policy', () => {
    expect(loadConfig({}).cspConnectSources).toEqual([]);
    expect(loadConfig({ EDGE_CSP_CONNECT_SRC: 'wss://*.sfu.example.org, ws://10.0.0.7:7104,ws://127.0.0.1:*' }).cspConnectSources).toEqual([
      'wss://*.sfu.example.org',
      'ws://10.0.0.7:7104',
      'ws://127.0.0.1:*',
    ]);
    for (const bad of ['*', "'unsafe-eval'", 'wss://a.org; script-src *', 'wss://a.org/path', 'data:']) {
      expect(() => loadConfig({ EDGE_CSP_CONNECT_SRC: bad })).toThrow(/EDGE_CSP_CONNECT_SRC/);
    }
  });

  it.each([
    ['a route to an unknown service', { EDGE_ROUTES: '/v1/x=nobody' }, /neither a service/],
    ['a prefix with a trailing slash', { EDGE_ROUTES: '/v1/x/=http://a:1' }, /EDGE_ROUTES/],
    ['a prefix with ..', { EDGE_ROUTES: '/v1/../x=http://a:1' }, /segments/],
    ['a prefix shadowing the edge', { EDGE_ROUTES: '/docs=http://a:1' }, /edge's own paths/],
    ['a prefix under an edge path', { EDGE_ROUTES: '/openapi/x=http://a:1' }, /edge's own paths/],
    ["a prefix shadowing the web client's", { EDGE_ROUTES: '/watch=http://a:1' }, /edge's own paths/],
    ['a duplicated prefix', { EDGE_ROUTES: '/v1/x=http://a:1,/v1/x=http://b:1' }, /twice/],
    ['a target with a path', { EDGE_ROUTES: '/v1/x=http://a:1/base' }, /neither/],
    ['a non-http target', { EDGE_ROUTES: '/v1/x=ftp://a:1' }, /neither/],
    ['broken JSON', { EDGE_ROUTES: '{"/v1/x": ' }, /JSON object/],
    ['an item without =', { EDGE_ROUTES: '/v1/x' }, /key=value/],
    ['a bad service name', { EDGE_SERVICES: 'Chat Service=http://a:1' }, /EDGE_SERVICES/],
    ['a service URL with credentials', { EDGE_SERVICES: 'chat=http://u:p@a:1' }, /origin only/],
    ['a port out of range', { HTTP_PORT: '70000' }, /HTTP_PORT/],
    ['a bind address that is not one', { HTTP_HOST: 'example.org' }, /HTTP_HOST/],
  ])('refuses %s at boot', (_what, env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('keeps a 64 MiB shared cache checking tokens with identity\'s keys by default; 0 turns it off', () => {
    expect(loadConfig({}).sharedCache).toEqual({ maxBytes: 64 * 1024 * 1024, maxEntryBytes: 8 * 1024 * 1024, maxTtlMs: 30_000, jwksUrl: new URL('http://127.0.0.1:7101/.well-known/jwks.json') });
    const told = loadConfig({ EDGE_SHARED_CACHE_MB: '4', EDGE_SHARED_CACHE_MAX_ENTRY_MB: '16', EDGE_JWKS_URL: 'https://id.example.org/keys' }).sharedCache;
    // No entry may be larger than the whole cache.
    expect(told).toMatchObject({ maxBytes: 4 * 1024 * 1024, maxEntryBytes: 4 * 1024 * 1024, jwksUrl: new URL('https://id.example.org/keys') });
    expect(loadConfig({ EDGE_SHARED_CACHE_MB: '0' }).sharedCache).toBeUndefined();
    expect(loadConfig({ EDGE_SERVICES: 'chat=http://127.0.0.1:7105', EDGE_ROUTES: '/v1/chat=chat' }).sharedCache?.jwksUrl).toBeUndefined();
    for (const bad of [{ EDGE_SHARED_CACHE_MB: '-1' }, { EDGE_SHARED_CACHE_MAX_TTL_SECONDS: '0' }, { EDGE_JWKS_URL: 'file:///etc/keys' }]) {
      expect(() => loadConfig(bad)).toThrow();
    }
  });
});
