import { Module } from '@nestjs/common';
import { AdmissionModule } from '../admission/admission.module.js';
import { StreamKeysModule } from '../stream-keys/stream-keys.module.js';
import { RtmpIngestController } from './rtmp-ingest.controller.js';
import { RtmpIngest } from './rtmp-ingest.js';

@Module({
  imports: [AdmissionModule, StreamKeysModule],
  controllers: [RtmpIngestController],
  providers: [RtmpIngest],
})
export class RtmpIngestModule {}
