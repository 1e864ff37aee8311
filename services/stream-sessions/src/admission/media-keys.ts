import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { KeyRing } from '@onair/key-ring';
import { DataSource } from 'typeorm';
import { STREAM_SESSIONS_CONFIG, type StreamSessionsConfig } from '../config.js';

/**
 * The key ring that signs media tickets (libs/key-ring, table `media_signing_key`). The SFU
 * verifies tickets against `/.well-known/media-jwks.json`; a retired key stays there until
 * every ticket it signed has expired.
 */
@Injectable()
export class MediaKeys extends KeyRing implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(dataSource: DataSource, @Inject(STREAM_SESSIONS_CONFIG) config: StreamSessionsConfig) {
    super({
      dataSource,
      table: 'media_signing_key',
      lockName: 'stream-sessions:media-keys',
      rotationHours: config.mediaKeys.rotationHours,
      publishAheadSeconds: config.mediaKeys.publishAheadSeconds,
      cacheSeconds: config.mediaKeys.cacheSeconds,
      retainSeconds: config.tickets.ttlSeconds + 60,
      log: new Logger('MediaKeys'),
    });
  }

  onApplicationBootstrap() {
    return this.start();
  }

  onApplicationShutdown() {
    this.stop();
  }
}
