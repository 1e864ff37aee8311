import { Injectable, SetMetadata, createParamDecorator, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthenticatedUser } from './access-token.js';
import { TokenInvalidError } from './auth.errors.js';
import { bearerToken, TokenVerifier } from './token-verifier.js';

const PUBLIC = Symbol('onair:public');

/** Marks a route (or controller) that needs no access token. */
export const Public = () => SetMetadata(PUBLIC, true);

type WithUser = { user?: AuthenticatedUser };

/** Every HTTP route needs a valid access token unless it is `@Public()`. */
@Injectable()
export class HttpAuthGuard implements CanActivate {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true; // other transports have their own guards
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> } & WithUser>();
    req.user = await this.verifier.verify(bearerToken(req.headers.authorization));
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
