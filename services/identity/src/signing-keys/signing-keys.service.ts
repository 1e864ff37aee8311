import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { KeyRing } from '@onair/key-ring';
import { DataSource } from 'typeorm';
import { IDENTITY_CONFIG, type IdentityConfig } from '../config.js';

/**
 * The key ring that signs access tokens (libs/key-ring, table `signing_key`). A retired key
 * stays published until every access token it signed has expired, so rotation logs nobody out.
 */
@Injectable()
export class SigningKeys extends KeyRing implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(dataSource: DataSource, @Inject(IDENTITY_CONFIG) config: IdentityConfig) {
    super({
      dataSource,
      table: 'signing_key',
      lockName: 'identity:signing-keys',
      rotationHours: config.auth.keyRotationHours,
      publishAheadSeconds: config.auth.keyPublishAheadSeconds,
      cacheSeconds: config.auth.signingKeyCacheSeconds,
      retainSeconds: config.auth.accessTokenTtlSeconds + 60,
      log: new Logger('SigningKeys'),
    });
  }

  onApplicationBootstrap() {
    return this.start();
  }

  onApplicationShutdown() {
    this.stop();
  }
}
