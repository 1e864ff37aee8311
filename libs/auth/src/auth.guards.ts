import { Injectable, SetMetadata, applyDecorators, createParamDecorator, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse } from '@nestjs/swagger';
import { hasRole, type AuthenticatedUser, type Role } from './access-token.js';
import { RoleRequiredError, TokenInvalidError } from './auth.errors.js';
import { bearerToken, TokenVerifier } from './token-verifier.js';

const PUBLIC = Symbol('onair:public');

const REQUIRED_ROLE = Symbol('onair:required-role');

/** Marks a route (or controller) that needs no access token. */
export const Public = () => SetMetadata(PUBLIC, true);

/** The OpenAPI extension naming the role an operation needs, so sweeps and clients can find them. */
export const REQUIRED_ROLE_EXTENSION = 'x-onair-required-role';

/**
 * Only callers whose access token carries `role` (an admin counts as an operator) reach the
 * route (or every route of a controller): others get 403 `AUTH.ROLE_REQUIRED`, a caller
 * without a valid token 401 as everywhere. Checked by HttpAuthGuard right after the token, so
 * it holds even under `@Public()`. Documents itself in the OpenAPI document.
 */
export const RequireRole = (role: Role) =>
  applyDecorators(
    SetMetadata(REQUIRED_ROLE, role),
    ApiBearerAuth(),
    ApiExtension(REQUIRED_ROLE_EXTENSION, role),
    ApiForbiddenResponse({ description: `AUTH.ROLE_REQUIRED: the caller's token does not carry the ${role} role` }),
  );

type WithUser = { user?: AuthenticatedUser };

/** Every HTTP route needs a valid access token unless it is `@Public()`, and the role `@RequireRole` names. */
@Injectable()
export class HttpAuthGuard implements CanActivate {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true; // other transports have their own guards
    const targets = [context.getHandler(), context.getClass()];
    const role = this.reflector.getAllAndOverride<Role | undefined>(REQUIRED_ROLE, targets);
    if (!role && this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> } & WithUser>();
    req.user = await this.verifier.verify(bearerToken(req.headers.authorization));
    if (role && !hasRole(req.user, role)) throw new RoleRequiredError(role);
    return true;
  }
}

/** gRPC: the token travels in the `authorization` metadata entry. */
@Injectable()
export class GrpcAuthGuard implements CanActivate {
  constructor(private readonly verifier: TokenVerifier) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const metadata = context.switchToRpc().getContext<{ get(key: string): unknown[] }>();
    const [value] = metadata.get('authorization');
    const holder = context.switchToRpc().getData<WithUser>();
    holder.user = await this.verifier.verify(bearerToken(typeof value === 'string' ? value : undefined));
    return true;
  }
}

/**
 * WebSocket: browsers cannot set headers on an upgrade, so the token comes as the
 * `access_token` query parameter of the upgrade request (or an Authorization header).
 */
@Injectable()
export class WsAuthGuard implements CanActivate {
  constructor(private readonly verifier: TokenVerifier) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const client = context.switchToWs().getClient<WithUser & { upgradeRequest?: { url?: string; headers: Record<string, string | undefined> } }>();
    if (client.user) return true;
    const req = client.upgradeRequest;
    if (!req) throw new TokenInvalidError();
    const query = new URL(req.url ?? '/', 'http://ws').searchParams.get('access_token');
    client.user = await this.verifier.verify(query ?? bearerToken(req.headers.authorization));
    return true;
  }
}

/** The verified caller of an HTTP route (set by HttpAuthGuard). */
export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): AuthenticatedUser => {
  const req = context.switchToHttp().getRequest<WithUser>();
  if (!req.user) throw new TokenInvalidError();
  return req.user;
});
