import { Module } from '@nestjs/common';
import { SfuNodesModule } from '../sfu-nodes/sfu-nodes.module.js';
import { AudiencePolicy } from './audience-policy.js';
import { MediaJwksController } from './media-jwks.controller.js';
import { MediaKeys } from './media-keys.js';
import { SocialGraphClient } from './social-graph.client.js';
import { TicketsController } from './tickets.controller.js';
import { TicketsService } from './tickets.service.js';

@Module({
  imports: [SfuNodesModule],
  controllers: [TicketsController, MediaJwksController],
  providers: [SocialGraphClient, AudiencePolicy, MediaKeys, TicketsService],
  exports: [AudiencePolicy, SocialGraphClient],
})
export class AdmissionModule {}
