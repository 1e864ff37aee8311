import { loadPackageDefinition, Metadata, status, type Client, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
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
  /** Deadline of a unary call; for a stream, of each page (from asking for it to receiving it). */
  timeoutMs: number;
  /** This service's certificate; only social-graph's is accepted back. */
  tls: ServiceTlsFiles;
  /** The caller's own error (with its service's code) for "social-graph cannot answer now". */
  unavailable: () => Error;
}

/** Where a stream of ids starts and how it is cut. */
export interface IdStreamOptions {
  /** Ids per page, 1 to 10000; the server's default (5000) when omitted. */
  pageSize?: number;
  /** Only the ids after this one, e.g. the last id handled by a walk that stopped. */
  startAfter?: string;
}

/** A page of a circle's members, with the circle's owner (the same on every page). */
export interface CircleMembersPage {
  ownerId: string;
  memberIds: string[];
}

/** The circle does not exist (or no longer does): social-graph answered SOCIAL_GRAPH.CIRCLE_NOT_FOUND. */
export class CircleNotFoundError extends Error {
  readonly code = 'SOCIAL_GRAPH.CIRCLE_NOT_FOUND';
  constructor(readonly circleId: string) {
    super(`no circle ${circleId}`);
    this.name = 'CircleNotFoundError';
  }
}

type Unary = (
  request: object,
  metadata: Metadata,
  options: { deadline: Date },
  callback: (err: ServiceError | null, response: never) => void,
) => void;

type ServerStream = (request: object, metadata: Metadata) => ClientReadableStream<unknown>;

/**
 * social-graph's internal gRPC API (SocialGraphService, declared in proto/) over mutual TLS:
 * the questions other services ask about follows, blocks and circles.
 */
export class SocialGraphClient {
  private readonly client: Client & Record<string, unknown>;

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

  /**
   * Every follower of `accountId`, a page of ids at a time, in ascending id order (what a walk
   * guarantees is in the proto, at StreamFollowers). To resume a walk that stopped, pass the
   * last id handled as `startAfter`. Leaving the loop early cancels the call.
   */
  async *followers(accountId: string, options: IdStreamOptions = {}): AsyncGenerator<string[]> {
    for await (const page of this.stream<{ followerIds: string[] }>('streamFollowers', { accountId, ...idStream(options) })) {
      yield page.followerIds;
    }
  }

  /**
   * Every member of the circle (never its owner), a page at a time, in ascending id order,
   * each page with the circle's owner; at least one page, whose `memberIds` may be empty.
   * Throws CircleNotFoundError before any page when the circle does not exist. Resume and
   * cancel as with `followers`.
   */
  async *circleMembers(circleId: string, options: IdStreamOptions = {}): AsyncGenerator<CircleMembersPage> {
    try {
      for await (const page of this.stream<CircleMembersPage>('streamCircleMembers', { circleId, ...idStream(options) })) {
        yield { ownerId: page.ownerId, memberIds: page.memberIds };
      }
    } catch (err) {
      throw (err as ServiceError).code === status.NOT_FOUND ? new CircleNotFoundError(circleId) : err;
    }
  }

  private call<T>(method: string, request: object): Promise<T> {
    const deadline = new Date(Date.now() + this.options.timeoutMs);
    return new Promise((resolve, reject) =>
      (this.client[method] as Unary)(request, new Metadata(), { deadline }, (err, response) =>
        err ? reject(this.answerOrUnavailable(err)) : resolve(response as T),
      ),
    );
  }

  /**
   * A server stream, a message at a time. The deadline is per message rather than per call (a
   * walk of a million ids takes long): it runs from asking for the next message to receiving
   * it, so the caller's own time with a page does not count.
   */
  private async *stream<T>(method: string, request: object): AsyncGenerator<T> {
    const call = (this.client[method] as ServerStream)(request, new Metadata()) as ClientReadableStream<T>;
    // Errors are taken from the iterator; this only keeps the CANCELLED that follows an early
    // exit (or a missed deadline) from being an unhandled 'error' event.
    call.on('error', () => undefined);
    const messages = (call as AsyncIterable<T>)[Symbol.asyncIterator]();
    let ended = false;
    try {
      for (;;) {
        const next = await this.within(messages.next(), () => call.cancel());
        if (next.done) {
          ended = true;
          return;
        }
        yield next.value;
      }
    } catch (err) {
      ended = true;
      throw this.answerOrUnavailable(err);
    } finally {
      if (!ended) call.cancel();
    }
  }

  /** `pending`, or the caller's unavailable error (after `onTimeout`) once timeoutMs has passed. */
  private within<T>(pending: Promise<T>, onTimeout: () => void): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        onTimeout();
        reject(this.options.unavailable());
      }, this.options.timeoutMs);
      pending.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  }

  /** NOT_FOUND and INVALID_ARGUMENT are answers; anything else means social-graph cannot answer now. */
  private answerOrUnavailable(err: unknown): Error {
    const code = (err as Partial<ServiceError>).code;
    return code === status.NOT_FOUND || code === status.INVALID_ARGUMENT ? (err as ServiceError) : this.options.unavailable();
  }
}

const idStream = (options: IdStreamOptions) => ({ pageSize: options.pageSize ?? 0, startAfter: options.startAfter ?? '' });
