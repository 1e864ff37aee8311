import { Module } from '@nestjs/common';
import { StreamKeysController } from './stream-keys.controller.js';
import { StreamKeys } from './stream-keys.js';

@Module({
  controllers: [StreamKeysController],
  providers: [StreamKeys],
  exports: [StreamKeys],
})
export class StreamKeysModule {}
