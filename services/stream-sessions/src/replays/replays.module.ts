import { Module } from '@nestjs/common';
import { AdmissionModule } from '../admission/admission.module.js';
import { BroadcastsModule } from '../broadcasts/broadcasts.module.js';
import { STREAM_SESSIONS_CONFIG, type StreamSessionsConfig } from '../config.js';
import { RecordingConsumer } from './recording.consumer.js';
import { ReplayExpirySweeper } from './replay-expiry.sweeper.js';
import { DirectoryReplayStore } from '@onair/replay-store';
import { REPLAY_STORE } from './replay-store.token.js';
import { ReplaysController } from './replays.controller.js';
import { ReplaysService } from './replays.service.js';

@Module({
  imports: [AdmissionModule, BroadcastsModule],
  controllers: [ReplaysController, RecordingConsumer],
  providers: [
    {
      provide: REPLAY_STORE,
      inject: [STREAM_SESSIONS_CONFIG],
      useFactory: (config: StreamSessionsConfig) => new DirectoryReplayStore(config.replays.dir),
    },
    ReplaysService,
    ReplayExpirySweeper,
  ],
  exports: [REPLAY_STORE],
})
export class ReplaysModule {}
