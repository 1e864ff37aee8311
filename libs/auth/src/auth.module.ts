import { Module, type DynamicModule, type InjectionToken } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { GrpcAuthGuard, HttpAuthGuard, WsAuthGuard } from './auth.guards.js';
import { remoteKeys, TokenVerifier, type KeySource } from './token-verifier.js';

export interface AuthModuleAsyncOptions {
  inject?: InjectionToken[];
  useFactory: (...args: never[]) => KeySource | Promise<KeySource>;
}

/**
 * Local verification of access tokens in every service: a global HTTP guard (routes opt out
 * with `@Public()`), plus `GrpcAuthGuard` and `WsAuthGuard` for `@UseGuards`.
 */
@Module({})
export class AuthModule {
  /** Keys from identity's JWKS URL (every service but identity). */
  static forRoot(options: { jwksUrl: string; jwksCacheMaxAgeMs?: number }): DynamicModule {
    return AuthModule.forRootAsync({ useFactory: () => remoteKeys(options.jwksUrl, options.jwksCacheMaxAgeMs) });
  }

  /** Keys from a provider (identity verifies against its own key ring). */
  static forRootAsync(options: AuthModuleAsyncOptions): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: TokenVerifier, useFactory: async (...args: never[]) => new TokenVerifier(await options.useFactory(...args)), inject: options.inject ?? [] },
        { provide: APP_GUARD, useClass: HttpAuthGuard },
        GrpcAuthGuard,
        WsAuthGuard,
      ],
      exports: [TokenVerifier, GrpcAuthGuard, WsAuthGuard],
    };
  }
}
