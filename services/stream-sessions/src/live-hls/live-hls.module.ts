import { Module } from '@nestjs/common';
import { AdmissionModule } from '../admission/admission.module.js';
import { ReplaysModule } from '../replays/replays.module.js';
import { LiveHlsController } from './live-hls.controller.js';
import { LiveHlsService } from './live-hls.service.js';

/** The live HLS: the recording the SFU writes into the replay store, served while live. */
@Module({
  imports: [AdmissionModule, ReplaysModule],
  controllers: [LiveHlsController],
  providers: [LiveHlsService],
})
export class LiveHlsModule {}
