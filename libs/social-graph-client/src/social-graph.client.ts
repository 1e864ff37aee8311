import { loadPackageDefinition, Metadata, status, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ServiceTls, type ServiceTlsFiles } from '@onair/service-tls';
import { join } from 'node:path';

/** The proto file of social-graph's internal API, relative to the proto folder. */
export const SOCIAL_GRAPH_PROTO = 'onair/social_graph/v1/social_graph_service.proto';

export interface SocialGraphClientOptions {
  /** host:port of social-graph's gRPC API. */
  address: string;
  /** The repository's proto/ folder (or the image's copy). */
  protoDir: string;
  timeoutMs: number;
  /** This service's certificate; only social-graph's is accepted back. */
  tls: ServiceTlsFiles;
  /** The caller's own error (with its service's code) for "social-graph cannot answer now". */
  unavailable: () => Error;
}

type Unary = (
  request: object,
  metadata: Metadata,
  options: { deadline: Date },
  callback: (err: ServiceError | null, response: never) => void,
) => void;

/**
 * social-graph's internal gRPC API (SocialGraphService, declared in proto/) over mutual TLS:
 * the questions other services ask about follows, blocks and circles.
 */
export class SocialGraphClient {
  private readonly client: Client & Record<string, Unary>;

  constructor(private readonly options: SocialGraphClientOptions) {
    const definition = loadSync(join(options.protoDir, SOCIAL_GRAPH_PROTO), {
      includeDirs: [options.protoDir],
      keepCase: false,
      longs: String,
      defaults: true,
    });
    const pkg = loadPackageDefinition(definition) as unknown as {
      onair: { social_graph: { v1: { SocialGraphService: new (address: string, creds: unknown, options: unknown) => never } } };
    };
    const identity = ServiceTls.load(options.tls);
    this.client = new pkg.onair.social_graph.v1.SocialGraphService(options.address, identity.grpcChannelCredentials(), ServiceTls.grpcChannelOptions('social-graph'));
  }

  close(): void {
    this.client.close();
  }

  async isBlocked(accountId: string, otherAccountId: string): Promise<boolean> {
    return (await this.call<{ blocked: boolean }>('isBlocked', { accountId, otherAccountId })).blocked;
  }

  async isFollowing(followerId: string, followeeId: string): Promise<boolean> {
    return (await this.call<{ following: boolean }>('isFollowing', { followerId, followeeId })).following;
  }

  /** Whether `accountId` is in the circle and whose circle it is; undefined when it does not exist (any more). */
  async circleMembership(circleId: string, accountId: string): Promise<{ member: boolean; ownerId: string } | undefined> {
    try {
      return await this.call<{ member: boolean; ownerId: string }>('isCircleMember', { circleId, accountId });
    } catch (err) {
      if ((err as ServiceError).code === status.NOT_FOUND) return undefined;
      throw err;
    }
  }

  private call<T>(method: string, request: object): Promise<T> {
    const deadline = new Date(Date.now() + this.options.timeoutMs);
    return new Promise((resolve, reject) =>
      this.client[method](request, new Metadata(), { deadline }, (err, response) => {
        if (!err) return resolve(response as T);
        // NOT_FOUND and INVALID_ARGUMENT are answers; anything else means social-graph cannot answer now.
        if (err.code === status.NOT_FOUND || err.code === status.INVALID_ARGUMENT) return reject(err);
        reject(this.options.unavailable());
      }),
    );
  }
}
