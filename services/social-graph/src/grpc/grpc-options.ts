import type { GrpcOptions } from '@nestjs/microservices';
import { grpcServerOptions } from '@onair/grpc-service';
import { SERVICE_PROTO, type GrpcConfig } from '../config.js';

export const GRPC_PACKAGE = 'onair.social_graph.v1';
export const GRPC_SERVICE = 'SocialGraphService';

/**
 * The internal gRPC API (mutual TLS, only the services in GRPC_ALLOWED_CLIENTS: libs/grpc-service).
 * Callers acting for an end user would add `GrpcAuthGuard` (token in `authorization`).
 */
export function grpcOptions(config: GrpcConfig): GrpcOptions {
  return grpcServerOptions({ ...config, package: GRPC_PACKAGE, protoFile: SERVICE_PROTO });
}
