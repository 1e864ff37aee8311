import { loadConfig } from './config.js';

describe('loadConfig', () => {
  const env = { KAFKA_BROKERS: 'k1:9092', MEDIA_TICKET_JWKS_URL: 'http://stream-sessions:7103/.well-known/media-jwks.json' };

  it('reads the environment once, with the service defaults', () => {
    const config = loadConfig(env);
    expect(config).toMatchObject({
      httpPort: 7104,
      media: { rtcPortBase: 40000, listenIp: '127.0.0.1', announcedIp: '127.0.0.1', maxConsumersPerRouter: 500 },
      recording: { enabled: true, ffmpegBin: '/usr/bin/ffmpeg' },
      signallingUrl: 'ws://127.0.0.1:7104/v1/sfu/signal',
    });
    expect(config.media.workers).toBeGreaterThanOrEqual(1);
    expect(config.media.nodeId.length).toBeGreaterThan(0);
  });

  it.each([
    ['a missing JWKS URL', { MEDIA_TICKET_JWKS_URL: undefined }, 'MEDIA_TICKET_JWKS_URL'],
    ['an announced address that is not an IP', { SFU_ANNOUNCED_IP: 'example.org' }, 'SFU_ANNOUNCED_IP'],
    ['zero workers', { SFU_WORKERS: '0' }, 'SFU_WORKERS'],
    ['ports past 65535', { SFU_RTC_PORT_BASE: '65000', SFU_WORKERS: '600' }, 'SFU_WORKERS'],
    ['a node id with a slash', { SFU_NODE_ID: 'a/b' }, 'SFU_NODE_ID'],
  ])('fails fast on %s, naming the variable', (_what, override, name) => {
    expect(() => loadConfig({ ...env, ...override })).toThrow(name);
  });
});
