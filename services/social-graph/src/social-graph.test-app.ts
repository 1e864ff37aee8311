// Test-only: boots the real social-graph (HTTP, gRPC, Kafka consumer) in the suite's own
// schema and topic prefix, and talks to it the way other services and clients do: fetch for
// HTTP, a plain grpc-js client generated from the same .proto files for gRPC.
import { loadPackageDefinition, Metadata, type ChannelCredentials, type ChannelOptions, type Client, type ServiceError } from '@grpc/grpc-js';
import { ServiceTls } from '@onair/service-tls';
import { loadSync } from '@grpc/proto-loader';
import type { INestApplication } from '@nestjs/common';
import { ERROR_CODE_TRAILER } from '@onair/grpc-service';
import { freePort } from '@onair/testing';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import { defaultProtoDir, loadConfig, SERVICE_PROTO } from './config.js';
import { createSocialGraphApp } from './social-graph-app.js';

/**
 * What the harness uses of the suite's TestContext (libs/testing), spelled out so that the
 * declarations tsc emits for this file do not import libs/testing.
 */
export interface Suite {
  readonly infra: { pgUrl: string; kafkaBrokers: string[]; pkiDir: string };
  readonly topicPrefix: string;
  schema(name: string): string;
  onCleanup(fn: () => Promise<unknown>): void;
}

export interface RunningSocialGraph {
  app: INestApplication;
  url: string;
  grpcAddress: string;
  schema: string;
}

/** Starts social-graph; it verifies tokens against `jwksUrl` (the suite's real identity). */
export async function startSocialGraph(ctx: Suite, jwksUrl: string): Promise<RunningSocialGraph> {
  const grpcPort = await freePort();
  const schema = ctx.schema('social_graph');
  const app = await createSocialGraphApp(
    loadConfig({
      HTTP_PORT: '0',
      GRPC_PORT: String(grpcPort),
      DATABASE_URL: ctx.infra.pgUrl,
      DATABASE_SCHEMA: schema,
      KAFKA_BROKERS: ctx.infra.kafkaBrokers.join(','),
      KAFKA_TOPIC_PREFIX: ctx.topicPrefix,
      KAFKA_TOPIC_PARTITIONS: '2',
      AUTH_JWKS_URL: jwksUrl,
      LOG_LEVEL: 'error',
      ...tlsFiles(ctx.infra.pkiDir, 'social-graph'),
    }),
  );
  ctx.onCleanup(() => app.close());
  await app.startAllMicroservices();
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl(), grpcAddress: `127.0.0.1:${grpcPort}`, schema };
}

/** A JWKS address nobody answers: for suites that use only gRPC and Kafka (no token is ever checked). */
export const UNUSED_JWKS_URL = 'http://127.0.0.1:9/.well-known/jwks.json';

type StreamMethod = 'streamFollowers' | 'streamCircleMembers';

type Unary = (
  request: object,
  metadata: Metadata,
  callback: (err: ServiceError | null, response: never) => void,
) => void;

/** INTERNAL_TLS_* of `service` from the local internal CA (`tools/onair infra up pki`). */
export const tlsFiles = (pkiDir: string, service: string) => ({
  INTERNAL_TLS_CA: join(pkiDir, 'ca.crt'),
  INTERNAL_TLS_CERT: join(pkiDir, `${service}.crt`),
  INTERNAL_TLS_KEY: join(pkiDir, `${service}.key`),
});

/**
 * The generated grpc-js client of SocialGraphService, as another OnAir service would use it:
 * over mutual TLS, presenting `as`'s certificate (stream-sessions by default, an allowed caller).
 */
export function socialGraphClient(
  address: string,
  pkiDir: string,
  as = 'stream-sessions',
): Client & Record<string, Unary> & Record<StreamMethod, (request: object) => NodeJS.ReadableStream> {
  const protoDir = defaultProtoDir(__dirname);
  const definition = loadSync(join(protoDir, SERVICE_PROTO), {
    includeDirs: [protoDir],
    keepCase: false,
    longs: String,
    defaults: true,
  });
  const pkg = loadPackageDefinition(definition) as unknown as {
    onair: {
      social_graph: {
        v1: {
          SocialGraphService: new (
            address: string,
            creds: ChannelCredentials,
            options: ChannelOptions,
          ) => never;
        };
      };
    };
  };
  const files = tlsFiles(pkiDir, as);
  const tls = ServiceTls.load({ caFile: files.INTERNAL_TLS_CA, certFile: files.INTERNAL_TLS_CERT, keyFile: files.INTERNAL_TLS_KEY });
  return new pkg.onair.social_graph.v1.SocialGraphService(address, tls.grpcChannelCredentials(), ServiceTls.grpcChannelOptions('social-graph'));
}

/** A unary call as a promise. */
export function unary<T>(
  client: Record<string, Unary>,
  method: string,
  request: object,
  metadata: Metadata = new Metadata(),
): Promise<T> {
  return new Promise((resolve, reject) =>
    client[method](request, metadata, (err, response) => (err ? reject(err) : resolve(response as T))),
  );
}

/** Every message of a server-streaming call. */
export function streamMessages<T>(
  client: Record<StreamMethod, (request: object) => NodeJS.ReadableStream>,
  method: StreamMethod,
  request: object,
): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const messages: T[] = [];
    const call = client[method](request);
    call.on('data', (message: T) => messages.push(message));
    call.on('error', reject);
    call.on('end', () => resolve(messages));
  });
}

/** Every page of a StreamFollowers call. */
export async function streamAll(
  client: Record<StreamMethod, (request: object) => NodeJS.ReadableStream>,
  request: object,
): Promise<string[][]> {
  return (await streamMessages<{ followerIds: string[] }>(client, 'streamFollowers', request)).map((p) => p.followerIds);
}

/** The stable code of a failed gRPC call (trailer `onair-error-code`). */
export const grpcErrorCode = (err: ServiceError) => (err.metadata as Metadata).get(ERROR_CODE_TRAILER)[0];

/** Direct SQL on the suite's schema, for set-up at a scale the API would make slow, and for checks. */
export async function sql(ctx: Suite, schema: string): Promise<PgClient> {
  const pg = new PgClient({ connectionString: ctx.infra.pgUrl, options: `-c search_path=${schema}` });
  await pg.connect();
  ctx.onCleanup(() => pg.end());
  return pg;
}

/** HTTP against the service with a user's Authorization header. */
export function httpClient(base: string) {
  return (method: string, path: string, auth?: { authorization: string }, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(auth ?? {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
}
