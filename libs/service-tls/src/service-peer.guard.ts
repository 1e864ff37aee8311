import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { DomainError } from '@onair/errors';
import type { PeerCertificate } from 'node:tls';
import { peerServiceName } from './service-tls.js';

/** The caller's certificate names a service this API does not serve. */
export class ServiceNotAllowedError extends DomainError {
  readonly code = 'AUTH.SERVICE_NOT_ALLOWED';
  readonly kind = 'forbidden' as const;
  constructor(service: string | undefined) {
    super(service ? `service ${service} may not call this API` : 'no service certificate was presented');
  }
}

type CallWithAuth = { getAuthContext?: () => { sslPeerCertificate?: PeerCertificate } | null };

/**
 * Lets a gRPC call through only when the client's certificate (already verified against the
 * internal CA by the TLS handshake) names one of `allowed`: least privilege between services,
 * on top of "is an OnAir service at all".
 */
export class ServicePeerGuard implements CanActivate {
  constructor(private readonly allowed: readonly string[]) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'rpc') return true;
    const call = context.getArgByIndex<CallWithAuth | undefined>(2);
    const peer = peerServiceName(call?.getAuthContext?.()?.sslPeerCertificate);
    if (!peer || !this.allowed.includes(peer)) throw new ServiceNotAllowedError(peer);
    return true;
  }
}
