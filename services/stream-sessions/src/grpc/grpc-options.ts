import { Transport, type GrpcOptions } from '@nestjs/microservices';
import { ServiceTls } from '@onair/service-tls';
import { join } from 'node:path';
import { SERVICE_PROTO, type GrpcConfig } from '../config.js';

export const GRPC_PACKAGE = 'onair.stream_sessions.v1';
export const GRPC_SERVICE = 'StreamSessionsService';

/**
 * The internal gRPC API, loaded at run time from proto/ (the same files buf lints and
 * libs/contracts is generated from). Mutual TLS only: a client without a certificate from the
 * internal CA does not get past the handshake, and GrpcPeerGuard lets through only the
 * services named in GRPC_ALLOWED_CLIENTS. This folder is a copy of social-graph's src/grpc/
 * (the second service serving gRPC); a third one is the time to make it a lib.
 */
export function grpcOptions(config: GrpcConfig): GrpcOptions {
  return {
    transport: Transport.GRPC,
    options: {
      package: GRPC_PACKAGE,
      protoPath: join(config.protoDir, SERVICE_PROTO),
      url: `${config.host}:${config.port}`,
      credentials: ServiceTls.load(config.tls).grpcServerCredentials(),
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
