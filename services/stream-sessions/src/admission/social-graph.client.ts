import { loadPackageDefinition, Metadata, status, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ServiceTls } from '@onair/service-tls';
import { join } from 'node:path';
import { SOCIAL_GRAPH_PROTO, STREAM_SESSIONS_CONFIG, type StreamSessionsConfig } from '../config.js';
import { SocialGraphUnavailableError } from './admission.errors.js';

type Unary = (
  request: object,
  metadata: Metadata,
  options: { deadline: Date },
  callback: (err: ServiceError | null, response: never) => void,
) => void;

/**
 * social-graph's internal gRPC API (SocialGraphService), the questions admission asks, over
 * mutual TLS: this service's certificate, and only social-graph's is accepted back.
 */
@Injectable()
export class SocialGraphClient implements OnApplicationShutdown {
  private readonly client: Client & Record<string, Unary>;

  constructor(@Inject(STREAM_SESSIONS_CONFIG) private readonly config: StreamSessionsConfig) {
    const { protoDir, address, tls } = config.socialGraph;
    const definition = loadSync(join(protoDir, SOCIAL_GRAPH_PROTO), {
      includeDirs: [protoDir],
      keepCase: false,
      longs: String,
      defaults: true,
    });
    const pkg = loadPackageDefinition(definition) as unknown as {
      onair: { social_graph: { v1: { SocialGraphService: new (address: string, creds: unknown, options: unknown) => never } } };
    };
    const identity = ServiceTls.load(tls);
    this.client = new pkg.onair.social_graph.v1.SocialGraphService(address, identity.grpcChannelCredentials(), ServiceTls.grpcChannelOptions('social-graph'));
  }

  onApplicationShutdown() {
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
    const deadline = new Date(Date.now() + this.config.socialGraph.timeoutMs);
    return new Promise((resolve, reject) =>
      this.client[method](request, new Metadata(), { deadline }, (err, response) => {
        if (!err) return resolve(response as T);
        // NOT_FOUND and INVALID_ARGUMENT are answers; anything else means social-graph cannot answer now.
        if (err.code === status.NOT_FOUND || err.code === status.INVALID_ARGUMENT) return reject(err);
        reject(new SocialGraphUnavailableError());
      }),
    );
  }
}
