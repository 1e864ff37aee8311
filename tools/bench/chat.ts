// tools/onair bench chat: one chat room on the real chat service, pinned to one core, with real
// Kafka and PostgreSQL; a WebSocket load generator on the other core (its own process) has
// BENCH_WRITERS of BENCH_SOCKETS sockets write BENCH_RATE messages a second each. Then the same
// sockets and messages against a bare `ws` broadcast loop on the same core: the limit. Prints:
//   chat: <A> msg/s accepted in one room; <D> deliveries/s on one chat core, p99 <L> ms; bare ws loop <B> deliveries/s (ratio <R>)
// (targets: A ≥ 1,000; R ≥ 0.8; p99 < 200 ms). Machines here are shared and noisy: compare the
// two figures of one run. Knobs: BENCH_SOCKETS (100), BENCH_WRITERS (100), BENCH_RATE (10),
// BENCH_SECONDS (10), BENCH_CHAT_CORE (0).
// needs: postgres kafka pki
import { create } from '@bufbuild/protobuf';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { BroadcastWentLiveEvent, BroadcastWentLiveSchema } from '../../libs/contracts/dist/index.js';
import { encodeEvent } from '../../libs/kafka/dist/index.js';
import { signChatTicket } from '../../libs/media-tickets/dist/index.js';
import { localEnv, repoRoot } from './support/local-env.ts';

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 100);
const WRITERS = Math.min(SOCKETS, Number(process.env.BENCH_WRITERS ?? 100));
const RATE = Number(process.env.BENCH_RATE ?? 10);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CORE = process.env.BENCH_CHAT_CORE ?? '0';
const LOAD_CORE = CORE === '0' ? '1' : '0';
const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const node = [process.execPath, '--disable-warning=ExperimentalWarning', '--disable-warning=TimeoutNegativeWarning', '--disable-warning=MODULE_TYPELESS_PACKAGE_JSON'];

/** stream-sessions' part: a ticket key and its JWKS (chat verifies tickets locally against it). */
async function ticketIssuer() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const kid = randomUUID();
  const jwks = JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'EdDSA', use: 'sig' }] });
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(jwks));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/jwks.json`;
  const sign = (broadcastId: string, ownerId: string, accountId: string) =>
    signChatTicket({ accountId, handle: `b${accountId.slice(0, 8)}`, broadcastId, audience: { ownerId, visibility: 'public' }, followsOwner: false }, { kid, privateKey }, 600);
  return { url, sign, close: () => server.close() };
}

/** A process pinned to one core, with the tail of its output (for its `ready` line or its failure). */
function pinned(core: string, args: string[], env: Record<string, string> = {}): { child: ChildProcess; output: () => string } {
  const child = spawn('taskset', ['-c', core, ...node, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => (out = (out + d).slice(-8000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return { child, output: () => out };
}

async function untilReady(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await fetch(`${url}/readyz`).then((r) => r.ok, () => false)) return;
    await sleep(200);
  }
  throw new Error(`${url} not ready`);
}

interface LoadResult {
  sent: number;
  accepted: number;
  refused: number;
  deliveries: number;
  seconds: number;
  p50: number;
  p99: number;
  closed: number;
}

/** The generator on the other core against `urls`. */
function load(urls: string[]): Promise<LoadResult> {
  const plan = { urls, writers: WRITERS, ratePerWriter: RATE, warmupSeconds: 3, seconds: SECONDS, probes: Math.min(5, urls.length) };
  // The plan on stdin: hundreds of tickets are more than one argument may hold.
  const child = spawn('taskset', ['-c', LOAD_CORE, ...node, join(repoRoot, 'tools/bench/support/chat-load.ts')], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin!.end(JSON.stringify(plan));
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load generator exited with ${code}`)))));
}

async function main(): Promise<void> {
  const id = randomBytes(4).toString('hex');
  const prefix = `benchchat${id}.`;
  const schema = `bench_chat_${id}`;
  const pgUrl = localEnv('ONAIR_PG_URL');
  const brokers = localEnv('ONAIR_KAFKA_BROKERS');
  const issuer = await ticketIssuer();
  const port = 20_000 + Math.floor(Math.random() * 10_000);
  log(`chat on core ${CORE}, load on core ${LOAD_CORE}: ${SOCKETS} sockets, ${WRITERS} writers × ${RATE} msg/s, ${SECONDS} s`);
  const chat = pinned(CORE, [join(repoRoot, 'services/chat/dist/src/main.js')], {
    HTTP_PORT: String(port),
    DATABASE_URL: pgUrl,
    DATABASE_SCHEMA: schema,
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC_PREFIX: prefix,
    AUTH_JWKS_URL: issuer.url,
    MEDIA_TICKET_JWKS_URL: issuer.url,
    CHAT_POD_ID: 'bench',
    // The room's rules are not what is measured: every writer may write at the offered rate.
    CHAT_MESSAGES_PER_SECOND: String(RATE * 2),
    CHAT_MESSAGE_BURST: String(RATE * 2),
    CHAT_OPEN_COMMENTERS: '100000',
    LOG_LEVEL: 'warn',
  });
  const chatUrl = `http://127.0.0.1:${port}`;
  const kafka = new Kafka({ clientId: 'bench', brokers: [brokers], logLevel: logLevel.NOTHING });
  const pg = new Client({ connectionString: pgUrl });
  await pg.connect();
  try {
    await untilReady(chatUrl).catch((err: Error) => {
      throw new Error(`${err.message}:\n${chat.output()}`);
    });
    // The broadcast goes live as stream-sessions says it: its event, then chat opens the room.
    const broadcastId = randomUUID();
    const ownerId = randomUUID();
    const producer = kafka.producer();
    await producer.connect();
    const live = create(BroadcastWentLiveSchema, { broadcastId, info: { broadcastId, ownerId }, sfuNodeId: 'bench', startedAt: timestampNow() });
    await producer.send({ topic: `${prefix}${BroadcastWentLiveEvent.topic}`, messages: [encodeEvent(BroadcastWentLiveEvent, live, { id: randomUUID(), source: 'bench', time: new Date() })] });
    await producer.disconnect();
    for (let i = 0; (await pg.query(`SELECT 1 FROM "${schema}".chat_room WHERE broadcast_id = $1`, [broadcastId])).rowCount === 0; i++) {
      if (i > 100) throw new Error('chat did not open the room');
      await sleep(100);
    }
    const tickets = await Promise.all(Array.from({ length: SOCKETS }, () => issuer.sign(broadcastId, ownerId, randomUUID())));
    const chatLoad = await load(tickets.map((t) => `ws://127.0.0.1:${port}/v1/chat/socket?ticket=${t}&broadcastId=${broadcastId}`));
    log(`chat: ${JSON.stringify(chatLoad)}`);

    // The limit, on the same core once chat is off it.
    chat.child.kill('SIGTERM');
    const bare = pinned(CORE, [join(repoRoot, 'tools/bench/support/bare-ws-broadcast.ts')]);
    for (let i = 0; !/ready \d+/.test(bare.output()); i++) {
      if (i > 100) throw new Error(`the bare loop did not start:\n${bare.output()}`);
      await sleep(100);
    }
    const bareUrl = `ws://127.0.0.1:${/ready (\d+)/.exec(bare.output())![1]}`;
    const bareLoad = await load(Array.from({ length: SOCKETS }, () => bareUrl));
    bare.child.kill('SIGTERM');
    log(`bare: ${JSON.stringify(bareLoad)}`);

    const a = chatLoad.accepted / chatLoad.seconds;
    const d = chatLoad.deliveries / chatLoad.seconds;
    const b = bareLoad.deliveries / bareLoad.seconds;
    process.stdout.write(
      `chat: ${Math.round(a)} msg/s accepted in one room; ${Math.round(d)} deliveries/s on one chat core, p99 ${Math.round(chatLoad.p99)} ms; bare ws loop ${Math.round(b)} deliveries/s (ratio ${(d / b).toFixed(2)})\n`,
    );
  } finally {
    chat.child.kill('SIGTERM');
    await pg.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await pg.end();
    issuer.close();
    const admin = kafka.admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length) await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    log(`bench chat failed: ${(err as Error).stack ?? err}`);
    process.exit(1);
  },
);
