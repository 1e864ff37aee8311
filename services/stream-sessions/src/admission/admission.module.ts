import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { SocialGraphClient } from '@onair/social-graph-client';
import { RelayTreeModule } from '../relay-tree/relay-tree.module.js';
import { SfuNodesModule } from '../sfu-nodes/sfu-nodes.module.js';
import { AudiencePolicy } from './audience-policy.js';
import { MediaJwksController } from './media-jwks.controller.js';
import { MediaKeys } from './media-keys.js';
import { socialGraphProvider } from './social-graph.provider.js';
import { TicketsController } from './tickets.controller.js';
import { TicketsService } from './tickets.service.js';

@Module({
  imports: [SfuNodesModule, RelayTreeModule],
  controllers: [TicketsController, MediaJwksController],
  providers: [socialGraphProvider, AudiencePolicy, MediaKeys, TicketsService],
  // TicketsService and MediaKeys: WHIP ingest places its publisher as a publish ticket does.
  exports: [AudiencePolicy, SocialGraphClient, TicketsService, MediaKeys],
})
export class AdmissionModule implements OnApplicationShutdown {
  constructor(private readonly socialGraph: SocialGraphClient) {}

  onApplicationShutdown() {
    this.socialGraph.close();
  }
}
