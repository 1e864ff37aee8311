import { Inject, Injectable, Module, type DynamicModule, type InjectionToken, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { GrpcAuthGuard, HttpAuthGuard, WsAuthGuard } from './auth.guards.js';
import { RevokedSessions, type RevocationOptions } from './revoked-sessions.js';
import { remoteKeys, TokenVerifier, type KeySource } from './token-verifier.js';

export interface AuthModuleAsyncOptions {
  inject?: InjectionToken[];
  useFactory: (...args: never[]) => KeySource | Promise<KeySource>;
  /**
   * Follow identity's `sessions.revoked.v1`, so signed-out sessions' tokens are refused within
   * seconds rather than at their expiry. Every service that serves users sets it.
   */
  revocations?: RevocationOptions;
}

const REVOKED_SESSIONS = Symbol('RevokedSessions');

/** Starts following revocations before the app serves (and stops with it). */
@Injectable()
class RevocationsLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(REVOKED_SESSIONS) private readonly revoked: RevokedSessions | null) {}

  async onApplicationBootstrap() {
    await this.revoked?.start();
  }

  async onApplicationShutdown() {
    await this.revoked?.stop();
  }
}

/**
 * Local verification of access tokens in every service: a global HTTP guard (routes opt out
 * with `@Public()`), plus `GrpcAuthGuard` and `WsAuthGuard` for `@UseGuards`.
 */
@Module({})
export class AuthModule {
  /** Keys from identity's JWKS URL (every service but identity). */
  static forRoot(options: { jwksUrl: string; jwksCacheMaxAgeMs?: number; revocations?: RevocationOptions }): DynamicModule {
    return AuthModule.forRootAsync({ useFactory: () => remoteKeys(options.jwksUrl, options.jwksCacheMaxAgeMs), revocations: options.revocations });
  }

  /** Keys from a provider (identity verifies against its own key ring). */
  static forRootAsync(options: AuthModuleAsyncOptions): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: REVOKED_SESSIONS, useFactory: () => (options.revocations ? new RevokedSessions(options.revocations) : null) },
        {
          provide: TokenVerifier,
          useFactory: async (revoked: RevokedSessions | null, ...args: never[]) => new TokenVerifier(await options.useFactory(...args), revoked ?? undefined),
          inject: [REVOKED_SESSIONS, ...(options.inject ?? [])],
        },
        RevocationsLifecycle,
        { provide: APP_GUARD, useClass: HttpAuthGuard },
        GrpcAuthGuard,
        WsAuthGuard,
      ],
      exports: [TokenVerifier, GrpcAuthGuard, WsAuthGuard],
    };
  }
}
