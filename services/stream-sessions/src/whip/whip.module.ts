import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { text } from 'express';
import { AdmissionModule } from '../admission/admission.module.js';
import { StreamKeysModule } from '../stream-keys/stream-keys.module.js';
import { WhipIngest } from './whip-ingest.js';
import { WhipController } from './whip.controller.js';

/**
 * WHIP bodies are SDP text, not JSON: only these routes parse them, capped at 64 KiB (an offer
 * for two m-sections is 5-10 KiB); larger ones get 413 REQUEST.BODY_TOO_LARGE before any work.
 */
const MAX_SDP = '64kb';

@Module({
  imports: [AdmissionModule, StreamKeysModule],
  controllers: [WhipController],
  providers: [WhipIngest],
})
export class WhipModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(text({ type: ['application/sdp', 'application/trickle-ice-sdpfrag'], limit: MAX_SDP })).forRoutes(WhipController);
  }
}
