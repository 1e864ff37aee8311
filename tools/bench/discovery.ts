// tools/onair bench discovery: the discovery service on real Kafka and Elasticsearch. It indexes
// BENCH_BROADCASTS live broadcasts spread over the world through its own indexing path (their
// broadcast.went_live.v1 events on Kafka), then sends the map+clusters query for random
// viewports through the service and the same search body (for another random viewport of the
// same zoom, so neither side is answered from the other's request cache) straight to Elasticsearch,
// interleaved in one run, then measures go-live -> searchable through Kafka. Prints:
//   discovery: <N> live broadcasts; map+clusters p50 <a> ms, p99 <b> ms; bare Elasticsearch same query p99 <c> ms (ratio <r>); go-live→searchable p95 <f> ms
// (targets: p99 < 50 ms; ratio ≤ 1.2; freshness p95 < 1,500 ms). Machines here are shared and
// noisy: compare the figures of one run. Knobs: BENCH_BROADCASTS (100000), BENCH_QUERIES (400),
// BENCH_GO_LIVES (40).
// needs: kafka elasticsearch pki
import { create } from '@bufbuild/protobuf';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { BroadcastWentLiveEvent, BroadcastWentLiveSchema, LocationPrecision } from '../../libs/contracts/dist/index.js';
import { encodeEvent } from '../../libs/kafka/dist/index.js';
import { MAP_FILTER_PATH, mapSearchBody } from '../../services/discovery/dist/src/search/map-query.js';
import { localEnv, repoRoot } from './support/local-env.ts';

const BROADCASTS = Number(process.env.BENCH_BROADCASTS ?? 100_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 400);
const GO_LIVES = Number(process.env.BENCH_GO_LIVES ?? 40);
const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];

/** identity's part: a signing key, its JWKS, and an access token for one caller. */
async function tokenIssuer() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const kid = randomUUID();
  const jwks = JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'EdDSA', use: 'sig' }] });
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(jwks));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const accountId = randomUUID();
  const token = await new SignJWT({ handle: 'bench', sid: randomUUID() })
    .setProtectedHeader({ alg: 'EdDSA', kid })
    .setSubject(accountId)
    .setIssuer('onair-identity')
    .setAudience('onair')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(privateKey);
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/jwks.json`, accountId, token, close: () => server.close() };
}

/** A random viewport as a 1920 x 1080 map shows it at `zoom` (Web Mercator, roughly). */
function viewport(zoom: number) {
  const width = Math.min(359, (360 * 1920) / (256 * 2 ** zoom));
  const height = Math.min(170, width * (1080 / 1920));
  const lon = -180 + width / 2 + Math.random() * (360 - width);
  const lat = -85 + height / 2 + Math.random() * (170 - height);
  const r = (v: number) => Math.round(v * 1e4) / 1e4;
  return { north: r(lat + height / 2), south: r(lat - height / 2), west: r(lon - width / 2), east: r(lon + width / 2), zoom };
}

/** Where people broadcast from: around a few hundred cities, not uniformly over the oceans. */
function spreadOverTheWorld(n: number) {
  const cities = Array.from({ length: 400 }, () => ({ lat: -55 + Math.random() * 125, lon: -180 + Math.random() * 360 }));
  return Array.from({ length: n }, () => {
    const c = cities[Math.floor(Math.random() * cities.length)];
    const lat = Math.max(-85, Math.min(85, c.lat + (Math.random() - 0.5) * 2));
    const lon = Math.max(-180, Math.min(180, c.lon + (Math.random() - 0.5) * 2));
    return { lat: Math.round(lat * 100) / 100, lon: Math.round(lon * 100) / 100 };
  });
}

async function main(): Promise<void> {
  const id = randomBytes(4).toString('hex');
  const topicPrefix = `benchdisc${id}.`;
  const indexPrefix = `benchdisc${id}-`;
  const esUrl = localEnv('ONAIR_ES_URL');
  const brokers = localEnv('ONAIR_KAFKA_BROKERS');
  const pki = localEnv('ONAIR_PKI_DIR');
  const issuer = await tokenIssuer();
  const port = 20_000 + Math.floor(Math.random() * 10_000);
  const discovery = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', join(repoRoot, 'services/discovery/dist/src/main.js')], {
    env: {
      ...process.env,
      HTTP_PORT: String(port),
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC_PREFIX: topicPrefix,
      KAFKA_TOPIC_PARTITIONS: '6',
      ELASTICSEARCH_URL: esUrl,
      DISCOVERY_INDEX_PREFIX: indexPrefix,
      AUTH_JWKS_URL: issuer.url,
      INTERNAL_TLS_CA: join(pki, 'ca.crt'),
      INTERNAL_TLS_CERT: join(pki, 'discovery.crt'),
      INTERNAL_TLS_KEY: join(pki, 'discovery.key'),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const headers = { authorization: `Bearer ${issuer.token}` };
  const kafka = new Kafka({ clientId: 'bench', brokers: [brokers], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  const es = (path: string, body?: unknown) =>
    fetch(`${esUrl}${path}`, { method: body ? 'POST' : 'GET', headers: { 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
  try {
    for (let i = 0; !(await fetch(`${base}/readyz`).then((r) => r.ok, () => false)); i++) {
      if (i > 300) throw new Error('discovery not ready');
      await sleep(200);
    }
    await producer.connect();
    const topic = `${topicPrefix}${BroadcastWentLiveEvent.topic}`;
    const owners = Array.from({ length: 2000 }, () => randomUUID());
    const event = (broadcastId: string, title: string, where?: { lat: number; lon: number }) =>
      encodeEvent(
        BroadcastWentLiveEvent,
        create(BroadcastWentLiveSchema, {
          broadcastId,
          info: {
            broadcastId,
            ownerId: owners[Math.floor(Math.random() * owners.length)],
            title,
            topics: ['bench'],
            language: 'en',
            location: where ? { latitude: where.lat, longitude: where.lon, precision: LocationPrecision.CITY } : undefined,
            visibility: { audience: { case: 'public', value: true } },
          },
          sfuNodeId: 'bench',
          startedAt: timestampNow(),
        }),
        { id: randomUUID(), source: 'bench', time: new Date() },
      );

    // 1. Indexing, through Kafka and the service's consumer.
    const t0 = Date.now();
    const points = spreadOverTheWorld(BROADCASTS);
    for (let i = 0; i < BROADCASTS; i += 2000) {
      await producer.send({ topic, acks: -1, messages: points.slice(i, i + 2000).map((p, j) => event(randomUUID(), `Live number ${i + j}`, p)) });
    }
    const count = async () => (await (await es(`/${indexPrefix}broadcasts/_count`, { query: { term: { state: 'live' } } })).json()) as { count: number };
    for (let n = 0; (n = (await count()).count) < BROADCASTS; ) {
      if (Date.now() - t0 > 600_000) throw new Error(`only ${n} of ${BROADCASTS} indexed after 10 min`);
      await sleep(1000);
    }
    log(`indexed ${BROADCASTS} live broadcasts through Kafka in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    // 2. The map query, through the service and straight to Elasticsearch, interleaved.
    const through: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < QUERIES + 20; i++) {
      const v = viewport(2 + (i % 9));
      const t1 = performance.now();
      const res = await fetch(`${base}/v1/discovery/map?${new URLSearchParams(Object.entries(v).map(([k, x]) => [k, String(x)]))}`, { headers });
      if (res.status !== 200) throw new Error(`map answered ${res.status}: ${await res.text()}`);
      await res.json();
      const t2 = performance.now();
      // Another viewport of the same zoom: the same one would be answered from the shard
      // request cache the service's request just filled.
      const other = viewport(v.zoom);
      const direct = await es(`/${indexPrefix}broadcasts/_search?filter_path=${MAP_FILTER_PATH}`, mapSearchBody(other, `${indexPrefix}accounts`, issuer.accountId));
      if (direct.status !== 200) throw new Error(`Elasticsearch answered ${direct.status}: ${await direct.text()}`);
      await direct.json();
      const t3 = performance.now();
      // The first 20 of each warm caches and connections.
      if (i >= 20) {
        through.push(t2 - t1);
        bare.push(t3 - t2);
      }
    }

    // 3. Go-live -> searchable, through Kafka, one at a time.
    const delays: number[] = [];
    for (let i = 0; i < GO_LIVES; i++) {
      const broadcastId = randomUUID();
      const word = `fresh${randomBytes(5).toString('hex')}`;
      const started = performance.now();
      await producer.send({ topic, acks: -1, messages: [event(broadcastId, `Just live ${word}`)] });
      for (;;) {
        const res = await fetch(`${base}/v1/discovery/search?q=${word}`, { headers });
        const body = (await res.json()) as { items?: Array<{ id: string }> };
        if (body.items?.some((x) => x.id === broadcastId)) break;
        if (performance.now() - started > 30_000) throw new Error(`${broadcastId} not searchable after 30 s`);
        await sleep(20);
      }
      delays.push(performance.now() - started);
    }

    log(`through the service: p50 ${percentile(through, 50).toFixed(1)} p90 ${percentile(through, 90).toFixed(1)} p99 ${percentile(through, 99).toFixed(1)} ms; bare: p50 ${percentile(bare, 50).toFixed(1)} p90 ${percentile(bare, 90).toFixed(1)} p99 ${percentile(bare, 99).toFixed(1)} ms`);
    log(`go-live -> searchable: p50 ${Math.round(percentile(delays, 50))} ms, max ${Math.round(Math.max(...delays))} ms`);
    const [a, b, c, f] = [percentile(through, 50), percentile(through, 99), percentile(bare, 99), percentile(delays, 95)];
    process.stdout.write(
      `discovery: ${BROADCASTS} live broadcasts; map+clusters p50 ${a.toFixed(1)} ms, p99 ${b.toFixed(1)} ms; bare Elasticsearch same query p99 ${c.toFixed(1)} ms (ratio ${(b / c).toFixed(2)}); go-live→searchable p95 ${Math.round(f)} ms\n`,
    );
  } finally {
    discovery.kill('SIGTERM');
    await producer.disconnect().catch(() => undefined);
    issuer.close();
    // By name: the cluster refuses wildcard deletes.
    const indices = (await (await es(`/_cat/indices/${indexPrefix}*?format=json&h=index&expand_wildcards=all`)).json().catch(() => [])) as Array<{ index: string }>;
    if (indices.length) await fetch(`${esUrl}/${indices.map((x) => x.index).join(',')}`, { method: 'DELETE' }).catch(() => undefined);
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
    log(`bench discovery failed: ${(err as Error).stack ?? err}`);
    process.exit(1);
  },
);
