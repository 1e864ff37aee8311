import { DomainError } from '@onair/errors';

export class TokenMissingError extends DomainError {
  readonly code = 'AUTH.TOKEN_MISSING';
  readonly kind = 'unauthenticated' as const;
  constructor() {
    super('an access token is required (Authorization: Bearer <token>)');
  }
}

export class TokenInvalidError extends DomainError {
  readonly code = 'AUTH.TOKEN_INVALID';
  readonly kind = 'unauthenticated' as const;
  constructor() {
    super('the access token is not valid');
  }
}

export class TokenExpiredError extends DomainError {
  readonly code = 'AUTH.TOKEN_EXPIRED';
  readonly kind = 'unauthenticated' as const;
  constructor() {
    super('the access token has expired; refresh it');
  }
}

/** The token's session has been signed out (or its account deleted) since it was issued. */
export class TokenRevokedError extends DomainError {
  readonly code = 'AUTH.TOKEN_REVOKED';
  readonly kind = 'unauthenticated' as const;
  constructor() {
    super('this session has been signed out; sign in again');
  }
}

export class SigningKeysUnavailableError extends DomainError {
  readonly code = 'AUTH.KEYS_UNAVAILABLE';
  readonly kind = 'unavailable' as const;
  constructor() {
    super('the token signing keys cannot be fetched right now');
  }
}

/** Signed in, but the account lacks the role the operation needs (e.g. `operator`). */
export class RoleRequiredError extends DomainError {
  readonly code = 'AUTH.ROLE_REQUIRED';
  readonly kind = 'forbidden' as const;
  constructor(role: string) {
    super(`this operation needs the ${role} role`, { role });
  }
}
