import { Module } from '@nestjs/common';
import { OPS_CONFIG, type OpsConfig } from '../config.js';
import { LiveOverview } from './live-overview.js';
import { LiveOverviewController } from './live-overview.controller.js';
import { StreamSessionsClient } from './stream-sessions.client.js';

/** GET /v1/ops/live, /v1/ops/live/{broadcastId}, /v1/ops/sfu-nodes: stream-sessions' view joined with ops' reports. */
@Module({
  controllers: [LiveOverviewController],
  providers: [
    LiveOverview,
    // Connects lazily: ops starts (and serves everything else) while stream-sessions is down.
    { provide: StreamSessionsClient, inject: [OPS_CONFIG], useFactory: (config: OpsConfig) => new StreamSessionsClient(config.streamSessions) },
  ],
})
export class LiveOverviewModule {}
