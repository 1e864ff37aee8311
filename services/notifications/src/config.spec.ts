import { loadConfig } from './config.js';

describe('notifications configuration', () => {
  const env = {
    DATABASE_URL: 'postgres://u:p@db:5432/onair',
    KAFKA_BROKERS: 'k1:9092',
    AUTH_JWKS_URL: 'http://identity:7101/.well-known/jwks.json',
    INTERNAL_TLS_CA: '/tls/ca.crt',
    INTERNAL_TLS_CERT: '/tls/tls.crt',
    INTERNAL_TLS_KEY: '/tls/tls.key',
  };

  it('defaults to port 7107, social-graph on 7112, chunks of 1000 over 24 partitions, 10 go-lives an hour, the known push services', () => {
    const config = loadConfig(env);
    expect(config).toMatchObject({
      httpPort: 7107,
      database: { schema: 'notifications' },
      socialGraph: { address: '127.0.0.1:7112', tls: { caFile: '/tls/ca.crt' } },
      fanout: { partitions: 24, chunk: 1000, leaseMs: 30_000 },
      goLivePerHour: 10,
      streams: { perAccount: 5, perPod: 20_000, heartbeatMs: 20_000 },
    });
    expect(config.push.vapid).toBeUndefined();
    expect(config.push.hosts).toEqual(['fcm.googleapis.com', 'updates.push.services.mozilla.com', 'web.push.apple.com', '*.notify.windows.com']);
  });

  it('takes a VAPID key pair and push hosts from the environment', () => {
    const keys = { NOTIFICATIONS_VAPID_PUBLIC_KEY: `B${'a'.repeat(86)}`, NOTIFICATIONS_VAPID_PRIVATE_KEY: 'k'.repeat(43) };
    const config = loadConfig({ ...env, ...keys, NOTIFICATIONS_PUSH_HOSTS: ' Push.Example.com:8443, *.push.example ' });
    expect(config.push.vapid).toEqual({ publicKey: keys.NOTIFICATIONS_VAPID_PUBLIC_KEY, privateKey: keys.NOTIFICATIONS_VAPID_PRIVATE_KEY });
    expect(config.push.hosts).toEqual(['push.example.com:8443', '*.push.example']);
  });

  it.each([
    ['one VAPID key without the other', { NOTIFICATIONS_VAPID_PUBLIC_KEY: `B${'a'.repeat(86)}` }, 'NOTIFICATIONS_VAPID_PRIVATE_KEY'],
    ['a VAPID key that is not base64url', { NOTIFICATIONS_VAPID_PUBLIC_KEY: '+'.repeat(87), NOTIFICATIONS_VAPID_PRIVATE_KEY: 'k'.repeat(43) }, 'NOTIFICATIONS_VAPID_PUBLIC_KEY'],
    ['chunks larger than 5000', { NOTIFICATIONS_FANOUT_CHUNK: '5001' }, 'NOTIFICATIONS_FANOUT_CHUNK'],
    ['a push host with a path', { NOTIFICATIONS_PUSH_HOSTS: 'evil.example/x' }, 'NOTIFICATIONS_PUSH_HOSTS'],
    ['no push host at all', { NOTIFICATIONS_PUSH_HOSTS: ' , ' }, 'NOTIFICATIONS_PUSH_HOSTS'],
    ['a subject that is neither mailto: nor https', { NOTIFICATIONS_VAPID_SUBJECT: 'http://example.org' }, 'NOTIFICATIONS_VAPID_SUBJECT'],
    ['a pod id with a slash', { NOTIFICATIONS_POD_ID: 'a/b' }, 'NOTIFICATIONS_POD_ID'],
    ['no internal TLS', { INTERNAL_TLS_CA: '' }, 'INTERNAL_TLS'],
  ])('refuses %s, naming the variable', (_what, bad, name) => {
    expect(() => loadConfig({ ...env, ...bad })).toThrow(name);
  });
});
