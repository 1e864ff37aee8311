import { Module } from '@nestjs/common';
import { AdmissionModule } from '../admission/admission.module.js';
import { BroadcastTransitions } from './broadcast-transitions.js';
import { BroadcastsController } from './broadcasts.controller.js';
import { BroadcastsService } from './broadcasts.service.js';

@Module({
  imports: [AdmissionModule],
  controllers: [BroadcastsController],
  providers: [BroadcastsService, BroadcastTransitions],
  exports: [BroadcastTransitions],
})
export class BroadcastsModule {}
