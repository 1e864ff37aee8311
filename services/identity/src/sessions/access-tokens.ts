import { Inject, Injectable } from '@nestjs/common';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, type Role } from '@onair/auth';
import { SignJWT } from 'jose';
import { IDENTITY_CONFIG, type IdentityConfig } from '../config.js';
import { SigningKeys } from '../signing-keys/signing-keys.service.js';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/** Short-lived JWT access tokens; any service verifies them locally from the JWKS. */
@Injectable()
export class AccessTokens {
  constructor(
    private readonly keys: SigningKeys,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  /** `roles` as the account holds them now; a plain user's token has no `roles` claim at all. */
  async issue(account: { id: string; handle: string; roles: readonly Role[] }, sessionId: string): Promise<string> {
    const key = await this.keys.signingKey();
    return new SignJWT({ handle: account.handle, sid: sessionId, ...(account.roles.length ? { roles: [...account.roles] } : {}) })
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid: key.kid, typ: 'JWT' })
      .setSubject(account.id)
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.config.auth.accessTokenTtlSeconds}s`)
      .sign(key.privateKey);
  }

  get ttlSeconds() {
    return this.config.auth.accessTokenTtlSeconds;
  }
}
