import { freePort, serviceTlsEnv, testInfra } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../config.js';
import { SocialGraphUnavailableError } from './admission.errors.js';
import { socialGraphProvider } from './social-graph.provider.js';

// The client itself is libs/social-graph-client's; what is stream-sessions' own is the error a
// caller gets when social-graph cannot answer (here: nothing listens at its address).
describe('social-graph client as stream-sessions configures it', () => {
  it('fails with STREAM_SESSIONS.SOCIAL_GRAPH_UNAVAILABLE when social-graph does not answer', async () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u:p@db:5432/onair',
      KAFKA_BROKERS: 'kafka:9092',
      AUTH_JWKS_URL: 'http://identity/.well-known/jwks.json',
      SOCIAL_GRAPH_GRPC_URL: `127.0.0.1:${await freePort()}`,
      SOCIAL_GRAPH_TIMEOUT_MS: '500',
      ...serviceTlsEnv(testInfra(), 'stream-sessions'),
    });
    const client = await socialGraphProvider.useFactory(config);
    try {
      const err = await client.isFollowing(randomUUID(), randomUUID()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SocialGraphUnavailableError);
      expect((err as SocialGraphUnavailableError).code).toBe('STREAM_SESSIONS.SOCIAL_GRAPH_UNAVAILABLE');
    } finally {
      client.close();
    }
  });
});
