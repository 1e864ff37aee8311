export {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  ROLES,
  hasRole,
  isRole,
  rolesClaim,
  type AuthenticatedUser,
  type Role,
} from './access-token.js';
export {
  RoleRequiredError,
  SigningKeysUnavailableError,
  TokenExpiredError,
  TokenInvalidError,
  TokenMissingError,
  TokenRevokedError,
} from './auth.errors.js';
export { RevokedSessions, type RevocationOptions } from './revoked-sessions.js';
export { bearerToken, JWKS_CACHE_MAX_AGE_MS, remoteKeys, TokenVerifier, type KeySource } from './token-verifier.js';
export { CurrentUser, GrpcAuthGuard, HttpAuthGuard, Public, REQUIRED_ROLE_EXTENSION, RequireRole, WsAuthGuard } from './auth.guards.js';
export { AuthModule, type AuthModuleAsyncOptions } from './auth.module.js';
