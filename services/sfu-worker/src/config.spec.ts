import { loadConfig } from './config.js';

describe('loadConfig', () => {
  const env = { KAFKA_BROKERS: 'k1:9092', MEDIA_TICKET_JWKS_URL: 'http://stream-sessions:7103/.well-known/media-jwks.json' };

  it('reads the environment once, with the service defaults', () => {
    const config = loadConfig(env);
    expect(config).toMatchObject({
      httpPort: 7104,
      httpHost: '127.0.0.1',
      media: { rtcPortBase: 40000, listenIp: '127.0.0.1', announcedIp: '127.0.0.1', maxConsumersPerRouter: 500 },
      recording: { enabled: true, ffmpegBin: '/usr/bin/ffmpeg' },
      signallingUrl: 'ws://127.0.0.1:7104/v1/sfu/signal',
    });
    expect(config.media.workers).toBeGreaterThanOrEqual(1);
    expect(config.media.nodeId.length).toBeGreaterThan(0);
    // No relay secret, no relaying between nodes.
    expect(config.relay).toBeUndefined();
  });

  it('relays between nodes with a shared secret, at this node\'s own address by default', () => {
    const secret = 's'.repeat(32);
    expect(loadConfig({ ...env, SFU_RELAY_SECRET: secret, SFU_ANNOUNCED_IP: '10.0.0.7', HTTP_PORT: '7200' }).relay).toEqual({
      secret,
      url: 'ws://10.0.0.7:7200/v1/sfu/relay',
      tls: undefined,
      tlsPort: 7114,
    });
    expect(loadConfig({ ...env, SFU_RELAY_SECRET: secret, SFU_RELAY_URL: 'wss://sfu-3.internal/v1/sfu/relay' }).relay?.url).toBe('wss://sfu-3.internal/v1/sfu/relay');
  });

  it('serves relays over wss with mutual TLS once it has an internal certificate', () => {
    const tls = { INTERNAL_TLS_CA: '/tls/ca.crt', INTERNAL_TLS_CERT: '/tls/tls.crt', INTERNAL_TLS_KEY: '/tls/tls.key' };
    const secret = 's'.repeat(32);
    expect(loadConfig({ ...env, ...tls, SFU_RELAY_SECRET: secret, SFU_ANNOUNCED_IP: '10.0.0.7' }).relay).toEqual({
      secret,
      url: 'wss://10.0.0.7:7114/v1/sfu/relay',
      tls: { caFile: '/tls/ca.crt', certFile: '/tls/tls.crt', keyFile: '/tls/tls.key' },
      tlsPort: 7114,
    });
    expect(() => loadConfig({ ...env, ...tls, SFU_RELAY_SECRET: secret, SFU_RELAY_URL: 'ws://10.0.0.7:7104/v1/sfu/relay' })).toThrow('SFU_RELAY_URL');
  });

  it.each([
    ['a missing JWKS URL', { MEDIA_TICKET_JWKS_URL: undefined }, 'MEDIA_TICKET_JWKS_URL'],
    ['an announced address that is not an IP', { SFU_ANNOUNCED_IP: 'example.org' }, 'SFU_ANNOUNCED_IP'],
    ['zero workers', { SFU_WORKERS: '0' }, 'SFU_WORKERS'],
    ['ports past 65535', { SFU_RTC_PORT_BASE: '65000', SFU_WORKERS: '600' }, 'SFU_WORKERS'],
    ['a node id with a slash', { SFU_NODE_ID: 'a/b' }, 'SFU_NODE_ID'],
    ['a relay secret shorter than 32 characters', { SFU_RELAY_SECRET: 'short' }, 'SFU_RELAY_SECRET'],
    ['a relay port range upside down', { SFU_RELAY_MIN_PORT: '45000', SFU_RELAY_MAX_PORT: '44000' }, 'SFU_RELAY_MIN_PORT'],
  ])('fails fast on %s, naming the variable', (_what, override, name) => {
    expect(() => loadConfig({ ...env, ...override })).toThrow(name);
  });
});
