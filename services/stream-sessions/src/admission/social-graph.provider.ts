import type { FactoryProvider } from '@nestjs/common';
import { SocialGraphClient } from '@onair/social-graph-client';
import { STREAM_SESSIONS_CONFIG, type StreamSessionsConfig } from '../config.js';
import { SocialGraphUnavailableError } from './admission.errors.js';

/**
 * social-graph's gRPC API (libs/social-graph-client) with this service's settings; when it
 * cannot answer, callers get STREAM_SESSIONS.SOCIAL_GRAPH_UNAVAILABLE (a 503). AdmissionModule
 * closes it with the app.
 */
export const socialGraphProvider: FactoryProvider<SocialGraphClient> = {
  provide: SocialGraphClient,
  inject: [STREAM_SESSIONS_CONFIG],
  useFactory: (config: StreamSessionsConfig) =>
    new SocialGraphClient({ ...config.socialGraph, unavailable: () => new SocialGraphUnavailableError() }),
};
