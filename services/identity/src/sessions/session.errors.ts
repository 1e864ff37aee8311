import { DomainError } from '@onair/errors';

/** Same answer for an unknown account and a wrong password: no account enumeration. */
export class InvalidCredentialsError extends DomainError {
  readonly code = 'IDENTITY.INVALID_CREDENTIALS';
  readonly kind = 'unauthenticated' as const;
  constructor() {
    super('handle/email or password is wrong');
  }
}

export class RefreshTokenInvalidError extends DomainError {
  readonly code = 'IDENTITY.REFRESH_TOKEN_INVALID';
  readonly kind = 'unauthenticated' as const;
  constructor() {
    super('the refresh token is unknown, expired or its session has ended');
  }
}

/** A rotated refresh token came back: it was stolen or leaked, so its whole session ends. */
export class RefreshTokenReusedError extends DomainError {
  readonly code = 'IDENTITY.REFRESH_TOKEN_REUSED';
  readonly kind = 'unauthenticated' as const;
  constructor() {
    super('this refresh token was already used; the session has been revoked, sign in again');
  }
}
