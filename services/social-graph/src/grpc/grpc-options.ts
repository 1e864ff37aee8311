import { Transport, type GrpcOptions } from '@nestjs/microservices';
import { join } from 'node:path';
import { SERVICE_PROTO, type GrpcConfig } from '../config.js';

export const GRPC_PACKAGE = 'onair.social_graph.v1';
export const GRPC_SERVICE = 'SocialGraphService';

/**
 * The internal gRPC API, loaded at run time from proto/ (the same files buf lints and
 * libs/contracts is generated from). It is not authenticated: only other OnAir services
 * reach it, inside the cluster, and the network policy is what keeps everyone else out.
 * Callers acting for an end user would add `GrpcAuthGuard` (token in `authorization`).
 */
export function grpcOptions(config: GrpcConfig, host = '0.0.0.0'): GrpcOptions {
  return {
    transport: Transport.GRPC,
    options: {
      package: GRPC_PACKAGE,
      protoPath: join(config.protoDir, SERVICE_PROTO),
      url: `${host}:${config.port}`,
      loader: {
        includeDirs: [config.protoDir],
        keepCase: false,
        longs: String,
        enums: String,
        defaults: true,
      },
      // A rollout lets running streams finish (within the pod's grace period).
      gracefulShutdown: true,
    },
  };
}
