// tools/onair bench follows: one account with 1,000,000 followers, streamed through the real
// social-graph gRPC server (StreamFollowers) by a real grpc-js client. Prints one line:
//   follows-stream: <N> edges in <S> s, <R> edges/s, peak RSS <M> MB
// where the peak RSS is the server process's (VmHWM). The server runs in a process of its own,
// as deployed, so client and server do not share one event loop or one heap.
// needs: postgres pki
// Runs on Node 24 as is (type stripping: erasable TypeScript only).
import { loadPackageDefinition, type ClientReadableStream } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { localEnv } from './support/local-env.ts';
// The service's own build: the same modules that main.ts starts.
import { SERVICE_PROTO } from '../../services/social-graph/dist/src/config.js';
import { createFollowersStreamServer } from '../../services/social-graph/dist/src/social-graph-app.js';
import { ServiceTls } from '../../libs/service-tls/dist/index.js';

const EDGES = Number(process.env.BENCH_EDGES ?? 1_000_000);
const PAGE_SIZE = Number(process.env.BENCH_PAGE_SIZE ?? 5000);
const root = resolve(import.meta.dirname, '../..');
const protoDir = join(root, 'proto');

/** A service's certificate from the local internal CA: the gRPC API is mutual TLS only, as deployed. */
function tlsFiles(service: string) {
  const pki = localEnv('ONAIR_PKI_DIR');
  return { caFile: join(pki, 'ca.crt'), certFile: join(pki, `${service}.crt`), keyFile: join(pki, `${service}.key`) };
}


function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
    server.on('error', fail);
  });
}

/** Server mode (this file run with `serve`): the gRPC server until SIGTERM. */
async function serve(): Promise<void> {
  const { BENCH_PG_URL: url, BENCH_SCHEMA: schema, BENCH_PORT: port } = process.env;
  const server = await createFollowersStreamServer({
    database: { url: url!, schema: schema!, poolMin: 0 },
    grpc: { port: Number(port), host: '127.0.0.1', protoDir, tls: tlsFiles('social-graph'), allowedClients: ['stream-sessions'] },
    logLevel: 'warn',
  });
  await server.listen();
  process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
  process.stdout.write('ready\n');
}

/** Starts the server process; resolves once it listens (its migrations have run by then). */
function startServer(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...process.execArgv, import.meta.filename, 'serve'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((done, fail) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && done(child));
    child.once('exit', (code) => fail(new Error(`the server exited with ${code} before it was ready`)));
  });
}

/** Peak resident set size of a live process, from the kernel (VmHWM). */
function peakRssMb(pid: number): number {
  const kb = Number(/^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return Math.round(kb / 1024);
}

/**
 * `EDGES` followers of one account in one statement. Rows go in in follower-id order with
 * times rising in that order, so each of the three indexes is appended to rather than split
 * at random pages: several times faster than random order.
 */
async function load(pg: Client, schema: string, star: string): Promise<void> {
  await pg.query(`SET search_path = "${schema}"`);
  await pg.query(`SET work_mem = '256MB'`);
  await pg.query(
    `INSERT INTO follow (followee_id, follower_id, created_at)
     SELECT $1, id, now() - interval '1 hour' + row_number() OVER (ORDER BY id) * interval '1 microsecond'
       FROM (SELECT gen_random_uuid() AS id FROM generate_series(1, $2)) g
      ORDER BY id`,
    [star, EDGES],
  );
  await pg.query('INSERT INTO follow_count (account_id, followers, following) VALUES ($1, $2, 0)', [
    star,
    EDGES,
  ]);
  // Sets the visibility map, as autovacuum would in production: index-only scans.
  await pg.query('VACUUM ANALYZE follow');
}

interface StreamClient {
  streamFollowers(request: object): ClientReadableStream<{ followerIds: string[] }>;
  close(): void;
}

function client(address: string): StreamClient {
  const definition = loadSync(join(protoDir, SERVICE_PROTO), {
    includeDirs: [protoDir],
    keepCase: false,
    defaults: true,
  });
  const pkg = loadPackageDefinition(definition) as unknown as {
    onair: {
      social_graph: { v1: { SocialGraphService: new (address: string, creds: unknown, options: unknown) => StreamClient } };
    };
  };
  // As stream-sessions (or notifications) would call it.
  const tls = ServiceTls.load(tlsFiles('stream-sessions'));
  return new pkg.onair.social_graph.v1.SocialGraphService(address, tls.grpcChannelCredentials(), ServiceTls.grpcChannelOptions('social-graph'));
}

/** Streams every follower; checks they arrive in strictly increasing order (so none twice). */
function streamAll(sg: StreamClient, star: string): Promise<number> {
  return new Promise((done, fail) => {
    let count = 0;
    let last = '';
    const call = sg.streamFollowers({ accountId: star, pageSize: PAGE_SIZE });
    call.on('data', ({ followerIds }: { followerIds: string[] }) => {
      for (const id of followerIds) {
        if (id <= last) return fail(new Error(`follower ${id} out of order after ${last}`));
        last = id;
      }
      count += followerIds.length;
    });
    call.on('error', fail);
    call.on('end', () => done(count));
  });
}

async function bench(): Promise<void> {
  const url = localEnv('ONAIR_PG_URL');
  const schema = `bench_follows_${randomBytes(4).toString('hex')}`;
  const star = randomUUID();
  const port = await freePort();
  const pg = new Client({ connectionString: url });
  await pg.connect();
  let server: ChildProcess | undefined;
  let sg: StreamClient | undefined;
  try {
    server = await startServer({ BENCH_PG_URL: url, BENCH_SCHEMA: schema, BENCH_PORT: String(port) });
    process.stderr.write(`loading ${EDGES} follow edges into schema ${schema} ...\n`);
    const loadStart = performance.now();
    await load(pg, schema, star);
    process.stderr.write(
      `loaded in ${((performance.now() - loadStart) / 1000).toFixed(1)} s; streaming ...\n`,
    );

    sg = client(`127.0.0.1:${port}`);
    const start = performance.now();
    const streamed = await streamAll(sg, star);
    const seconds = (performance.now() - start) / 1000;
    if (streamed !== EDGES) throw new Error(`streamed ${streamed} followers, expected ${EDGES}`);
    process.stdout.write(
      `follows-stream: ${streamed} edges in ${seconds.toFixed(2)} s, ${Math.round(streamed / seconds)} edges/s, peak RSS ${peakRssMb(server.pid!)} MB\n`,
    );
  } finally {
    sg?.close();
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server!.once('exit', r));
    }
    await pg.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pg.end();
  }
}

(process.argv[2] === 'serve' ? serve() : bench()).catch((err) => {
  process.stderr.write(`follows bench failed: ${err?.stack ?? err}\n`);
  process.exit(1);
});
