// tools/onair bench notify: a broadcaster with BENCH_FOLLOWERS followers goes live while
// BENCH_CLIENTS of them hold a live-push stream (SSE) open. Real social-graph (its gRPC follower
// stream over mutual TLS), real notifications pods, real Kafka and PostgreSQL; the followers are
// written straight into social-graph's tables, their access tokens are signed by the bench's own
// key (served as the JWKS the services trust). Times from publishing broadcast.went_live.v1 until
// every follower has the inbox row, and until every connected client was pushed the notification:
//   go-live-fanout: <N> followers: every inbox row in <S1> s, <C> connected clients pushed in <S2> s
// (targets: S1 < 5, S2 < 5 on a 2-core machine). A warm-up go-live to a few followers goes first.
// Knobs: BENCH_FOLLOWERS (100000), BENCH_CLIENTS (1000), BENCH_PODS (notifications pods, 2).
// needs: postgres kafka pki
import { create } from '@bufbuild/protobuf';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { Client } from 'pg';
import { BroadcastWentLiveEvent, BroadcastWentLiveSchema } from '../../libs/contracts/dist/index.js';
import { encodeEvent } from '../../libs/kafka/dist/index.js';
import { localEnv, repoRoot } from './support/local-env.ts';

const FOLLOWERS = Number(process.env.BENCH_FOLLOWERS ?? 100_000);
const CLIENTS = Math.min(FOLLOWERS, Number(process.env.BENCH_CLIENTS ?? 1000));
const PODS = Number(process.env.BENCH_PODS ?? 2);
const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (ms: number) => (ms / 1000).toFixed(2);

/** identity's part: a signing key, its JWKS, and access tokens for any account. */
async function tokenIssuer() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const kid = randomUUID();
  const jwks = JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'EdDSA', use: 'sig' }] });
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(jwks));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const token = (accountId: string) =>
    new SignJWT({ handle: `f${accountId.slice(0, 8)}`, sid: randomUUID() })
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .setSubject(accountId)
      .setIssuer('onair-identity')
      .setAudience('onair')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/jwks.json`, token, close: () => server.close() };
}

/** A service from its build, as `tools/onair up` runs it, on the bench's schema and topic prefix. */
async function startService(name: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const port = 20_000 + Math.floor(Math.random() * 12_000);
  const pki = localEnv('ONAIR_PKI_DIR');
  const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', join(repoRoot, `services/${name}/dist/src/main.js`)], {
    env: {
      ...process.env,
      HTTP_PORT: String(port),
      DATABASE_URL: localEnv('ONAIR_PG_URL'),
      KAFKA_BROKERS: localEnv('ONAIR_KAFKA_BROKERS'),
      INTERNAL_TLS_CA: join(pki, 'ca.crt'),
      INTERNAL_TLS_CERT: join(pki, `${name}.crt`),
      INTERNAL_TLS_KEY: join(pki, `${name}.key`),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; !(await fetch(`${url}/readyz`).then((r) => r.ok, () => false)); i++) {
    if (child.exitCode !== null || i > 300) throw new Error(`${name} did not become ready`);
    await sleep(200);
  }
  return { child, url };
}

/** An EventSource as a page opens it; resolves `pushed` when a notification about `broadcastId` arrives. */
async function liveClient(base: string, token: string) {
  const ticket = await fetch(`${base}/v1/notifications/stream-tickets`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  if (ticket.status !== 201) throw new Error(`stream-tickets answered ${ticket.status}: ${await ticket.text()}`);
  const res = await fetch(`${base}/v1/notifications/stream?ticket=${((await ticket.json()) as { ticket: string }).ticket}`);
  if (res.status !== 200 || !res.body) throw new Error(`stream answered ${res.status}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const waiters = new Map<string, (at: number) => void>();
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      text = (text + decoder.decode(value, { stream: true })).slice(-20_000);
      for (const [id, resolve] of waiters) if (text.includes(id)) resolve(performance.now());
    }
  })();
  return {
    pushed: (broadcastId: string) => new Promise<number>((resolve) => waiters.set(broadcastId, resolve)),
    close: () => void reader.cancel().catch(() => undefined),
  };
}

async function main(): Promise<void> {
  const id = randomBytes(4).toString('hex');
  const topicPrefix = `benchnotify${id}.`;
  const schemas = { graph: `bench_notify_graph_${id}`, notifications: `bench_notify_${id}` };
  const issuer = await tokenIssuer();
  const kafka = new Kafka({ clientId: 'bench', brokers: [localEnv('ONAIR_KAFKA_BROKERS')], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  const pg = new Client({ connectionString: localEnv('ONAIR_PG_URL') });
  const children: ChildProcess[] = [];
  const clients: Array<{ close(): void }> = [];
  try {
    await pg.connect();
    const common = { KAFKA_TOPIC_PREFIX: topicPrefix, KAFKA_TOPIC_PARTITIONS: '6', AUTH_JWKS_URL: issuer.url };
    const grpcPort = 20_000 + Math.floor(Math.random() * 12_000);
    const graph = await startService('social-graph', { ...common, DATABASE_SCHEMA: schemas.graph, GRPC_PORT: String(grpcPort) });
    children.push(graph.child);
    const pods: string[] = [];
    for (let i = 0; i < PODS; i++) {
      const pod = await startService('notifications', {
        ...common,
        DATABASE_SCHEMA: schemas.notifications,
        SOCIAL_GRAPH_GRPC_URL: `127.0.0.1:${grpcPort}`,
        NOTIFICATIONS_POD_ID: `bench-${i}`,
      });
      children.push(pod.child);
      pods.push(pod.url);
    }
    await producer.connect();
    const goLive = async (ownerId: string) => {
      const broadcastId = randomUUID();
      const info = { broadcastId, ownerId, title: 'Going live now', language: 'en', visibility: { audience: { case: 'public' as const, value: true } } };
      const record = encodeEvent(BroadcastWentLiveEvent, create(BroadcastWentLiveSchema, { broadcastId, info, sfuNodeId: 'bench', startedAt: timestampNow() }), {
        id: randomUUID(),
        source: 'stream-sessions',
        time: new Date(),
      });
      await producer.send({ topic: `${topicPrefix}${BroadcastWentLiveEvent.topic}`, acks: -1, messages: [record] });
      return broadcastId;
    };
    const follow = async (ownerId: string, n: number): Promise<string[]> => {
      const { rows } = await pg.query<{ id: string }>(
        `INSERT INTO "${schemas.graph}".follow (followee_id, follower_id) SELECT $1, gen_random_uuid() FROM generate_series(1, $2) RETURNING follower_id::text AS id`,
        [ownerId, n],
      );
      return rows.map((r) => r.id);
    };
    const inboxRows = async (broadcastId: string) =>
      (await pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schemas.notifications}".notification WHERE kind = 'went_live' AND source_key = $1`, [broadcastId])).rows[0].n;
    const waitForRows = async (broadcastId: string, n: number, limitMs: number) => {
      const started = performance.now();
      for (let got = 0; (got = await inboxRows(broadcastId)) < n; ) {
        if (performance.now() - started > limitMs) throw new Error(`${got} of ${n} inbox rows after ${limitMs / 1000} s`);
        await sleep(50);
      }
      return performance.now();
    };

    // Warm-up: connections, prepared plans and consumer groups, with a go-live to ten followers.
    const warm = randomUUID();
    await follow(warm, 10);
    await waitForRows(await goLive(warm), 10, 60_000);

    const owner = randomUUID();
    const loadStart = performance.now();
    const followers = await follow(owner, FOLLOWERS);
    await pg.query(`ANALYZE "${schemas.graph}".follow`);
    log(`${FOLLOWERS} followers written in ${seconds(performance.now() - loadStart)} s; opening ${CLIENTS} live streams over ${PODS} pod(s)`);
    for (let i = 0; i < CLIENTS; i += 100) {
      const batch = await Promise.all(followers.slice(i, i + 100).map(async (f, j) => liveClient(pods[(i + j) % pods.length], await issuer.token(f))));
      clients.push(...batch);
    }
    log(`${clients.length} clients connected; going live`);

    const started = performance.now();
    const broadcastId = await goLive(owner);
    const pushed = Promise.all((clients as Array<Awaited<ReturnType<typeof liveClient>>>).map((c) => c.pushed(broadcastId)));
    const allRows = await waitForRows(broadcastId, FOLLOWERS, 120_000);
    const lastPush = Math.max(...(await Promise.race([pushed, sleep(60_000).then(() => Promise.reject(new Error('not every client was pushed within 60 s')))])));
    const [s1, s2] = [seconds(allRows - started), seconds(lastPush - started)];
    // Where the time went: the job's creation (the go-live consumed) and its last chunk published.
    const { rows: [job] } = await pg.query<{ published: number }>(
      `SELECT extract(epoch FROM done_at - created_at)::float AS published FROM "${schemas.notifications}".fanout_job WHERE broadcast_id = $1`,
      [broadcastId],
    );
    log(`fan-out job: every chunk published ${job.published.toFixed(2)} s after the job was created; inbox writes and pushes took the rest`);
    process.stdout.write(`go-live-fanout: ${FOLLOWERS} followers: every inbox row in ${s1} s, ${clients.length} connected clients pushed in ${s2} s\n`);
  } finally {
    for (const c of clients) c.close();
    for (const child of children.reverse()) {
      if (child.exitCode !== null) continue;
      child.kill('SIGTERM');
      await Promise.race([new Promise((r) => child.once('exit', r)), sleep(15_000)]);
    }
    await producer.disconnect().catch(() => undefined);
    issuer.close();
    for (const schema of Object.values(schemas)) await pg.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await pg.end().catch(() => undefined);
    const admin = kafka.admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(topicPrefix));
    if (topics.length) await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    log(`bench notify failed: ${(err as Error).stack ?? err}`);
    process.exit(1);
  },
);
