import type { GrpcOptions } from '@nestjs/microservices';
import { grpcServerOptions } from '@onair/grpc-service';
import { SERVICE_PROTO, type GrpcConfig } from '../config.js';

export const GRPC_PACKAGE = 'onair.stream_sessions.v1';
export const GRPC_SERVICE = 'StreamSessionsService';

/** The internal gRPC API (mutual TLS, only the services in GRPC_ALLOWED_CLIENTS: libs/grpc-service). */
export function grpcOptions(config: GrpcConfig): GrpcOptions {
  return grpcServerOptions({ ...config, package: GRPC_PACKAGE, protoFile: SERVICE_PROTO });
}
