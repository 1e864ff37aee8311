import { credentials, ServerCredentials, type ChannelCredentials, type ChannelOptions } from '@grpc/grpc-js';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { PeerCertificate } from 'node:tls';

/** Where a service's internal TLS material is (PEM files, e.g. a mounted Kubernetes Secret). */
export interface ServiceTlsFiles {
  /** The internal CA every OnAir service's certificate is issued by. */
  caFile: string;
  certFile: string;
  keyFile: string;
}

/**
 * A service's identity between services (mutual TLS): its certificate and key, and the CA
 * whose certificates it accepts from peers. A certificate names its service in the subject's
 * CN and in a DNS subjectAltName (`social-graph`), so a peer is known by name whatever address
 * it dials from or listens on; `tools/onair` issues them locally, cert-manager in a cluster.
 */
export class ServiceTls {
  /** The service this certificate is for (its CN). */
  readonly serviceName: string;

  private constructor(
    readonly ca: Buffer,
    readonly cert: Buffer,
    readonly key: Buffer,
  ) {
    const name = /(?:^|\n)CN=([^\n]+)/.exec(new X509Certificate(cert).subject)?.[1];
    if (!name) throw new Error('the service certificate has no CN');
    this.serviceName = name;
  }

  static load(files: ServiceTlsFiles): ServiceTls {
    return new ServiceTls(readFileSync(files.caFile), readFileSync(files.certFile), readFileSync(files.keyFile));
  }

  /** A gRPC server that refuses any client without a certificate from the internal CA. */
  grpcServerCredentials(): ServerCredentials {
    return ServerCredentials.createSsl(this.ca, [{ cert_chain: this.cert, private_key: this.key }], true);
  }

  /** A gRPC client presenting this service's certificate and trusting only the internal CA. */
  grpcChannelCredentials(): ChannelCredentials {
    return credentials.createSsl(this.ca, this.key, this.cert);
  }

  /** Channel options that make the client accept only `service`'s certificate, whatever address it dials. */
  static grpcChannelOptions(service: string): ChannelOptions {
    return { 'grpc.ssl_target_name_override': service, 'grpc.default_authority': service };
  }

  /** For an https/wss server: clients must present a certificate from the internal CA. */
  serverOptions() {
    return { ca: this.ca, cert: this.cert, key: this.key, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2' as const };
  }

  /** For an https/wss client of `service`: presents this certificate, accepts only `service`'s. */
  clientOptions(service: string) {
    return { ca: this.ca, cert: this.cert, key: this.key, servername: service, minVersion: 'TLSv1.2' as const };
  }
}

/** The service a verified peer certificate names (its CN), if any. */
export function peerServiceName(cert: PeerCertificate | undefined | null): string | undefined {
  const cn = cert?.subject?.CN;
  return typeof cn === 'string' && cn.length > 0 ? cn : undefined;
}
