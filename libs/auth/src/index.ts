export { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, type AuthenticatedUser } from './access-token.js';
export { SigningKeysUnavailableError, TokenExpiredError, TokenInvalidError, TokenMissingError, TokenRevokedError } from './auth.errors.js';
export { RevokedSessions, type RevocationOptions } from './revoked-sessions.js';
export { bearerToken, JWKS_CACHE_MAX_AGE_MS, remoteKeys, TokenVerifier, type KeySource } from './token-verifier.js';
export { CurrentUser, GrpcAuthGuard, HttpAuthGuard, Public, WsAuthGuard } from './auth.guards.js';
export { AuthModule, type AuthModuleAsyncOptions } from './auth.module.js';
