import { Transport, type GrpcOptions } from '@nestjs/microservices';
import { ServiceTls, type ServiceTlsFiles } from '@onair/service-tls';
import { join } from 'node:path';

export interface GrpcServerSettings {
  /** The proto package the service is declared in, e.g. `onair.social_graph.v1`. */
  package: string;
  /** The service's .proto file, relative to `protoDir`. */
  protoFile: string;
  /** The repository's proto/ folder (or the image's copy); imports between files resolve from it. */
  protoDir: string;
  host: string;
  port: number;
  /** The service's own certificate; clients must present one from the same internal CA. */
  tls: ServiceTlsFiles;
}

/**
 * Nest microservice options for an internal gRPC API, loaded at run time from proto/ (the same
 * files buf lints and libs/contracts is generated from). Mutual TLS only: a client without a
 * certificate from the internal CA does not get past the handshake; GrpcPeerGuard (through
 * GrpcController) then lets through only the allowed services.
 */
export function grpcServerOptions(settings: GrpcServerSettings): GrpcOptions {
  return {
    transport: Transport.GRPC,
    options: {
      package: settings.package,
      protoPath: join(settings.protoDir, settings.protoFile),
      url: `${settings.host}:${settings.port}`,
      credentials: ServiceTls.load(settings.tls).grpcServerCredentials(),
      loader: {
        includeDirs: [settings.protoDir],
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
