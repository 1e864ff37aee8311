import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, rolesClaim, type AuthenticatedUser } from './access-token.js';
import { SigningKeysUnavailableError, TokenExpiredError, TokenInvalidError, TokenMissingError, TokenRevokedError } from './auth.errors.js';
import type { RevokedSessions } from './revoked-sessions.js';

/** Where verification keys come from: identity's JWKS over HTTP, or identity's own key ring. */
export type KeySource = JWTVerifyGetKey;

/**
 * Keys from identity's `/.well-known/jwks.json`, cached. An unknown `kid` (a key rotated in
 * since the last fetch) triggers a refetch, rate-limited by the cooldown, so rotation logs
 * nobody out and no service calls identity per request.
 */
export function remoteKeys(jwksUrl: string, cacheMaxAgeMs = JWKS_CACHE_MAX_AGE_MS): KeySource {
  return createRemoteJWKSet(new URL(jwksUrl), { cacheMaxAge: cacheMaxAgeMs, cooldownDuration: 30_000, timeoutDuration: 3_000 });
}

/** Identity publishes a new key longer than this before signing with it (KEY_PUBLISH_AHEAD_SECONDS). */
export const JWKS_CACHE_MAX_AGE_MS = 10 * 60_000;

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

/** `Authorization` header (or any carrier value) → the token, or a stable auth error. */
export function bearerToken(value: string | string[] | undefined): string {
  const header = Array.isArray(value) ? value[0] : value;
  if (!header) throw new TokenMissingError();
  const match = BEARER.exec(header.trim());
  if (!match) throw new TokenInvalidError();
  return match[1];
}

export class TokenVerifier {
  constructor(
    private readonly keys: KeySource,
    /** Sessions signed out since their tokens were issued (undefined: nothing is refused early). */
    readonly revoked?: RevokedSessions,
  ) {}

  async verify(token: string): Promise<AuthenticatedUser> {
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer: ACCESS_TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      const { sub, handle, sid, roles } = payload as { sub?: unknown; handle?: unknown; sid?: unknown; roles?: unknown };
      if (typeof sub !== 'string' || typeof handle !== 'string' || typeof sid !== 'string') throw new TokenInvalidError();
      if (this.revoked?.isRevoked(sid)) throw new TokenRevokedError();
      // A role this build does not know grants nothing here, so an older service stays safe
      // when identity adds one.
      return { accountId: sub, handle, sessionId: sid, roles: rolesClaim(roles) };
    } catch (err) {
      if (err instanceof TokenInvalidError || err instanceof TokenRevokedError) throw err;
      if (err instanceof errors.JWTExpired) throw new TokenExpiredError();
      if (err instanceof errors.JWKSTimeout || (err instanceof Error && /fetch|ECONNREFUSED/i.test(err.message))) {
        throw new SigningKeysUnavailableError();
      }
      throw new TokenInvalidError();
    }
  }
}
