import { create } from '@bufbuild/protobuf';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import { PublisherJoinedEvent, PublisherJoinedSchema } from '@onair/contracts';
import { findProtoDir } from '@onair/config';
import { createIdempotentProducer, encodeEvent } from '@onair/kafka';
import { json, startServiceProcess, TestContext, waitUntil, type RunningService, type TestUser } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccountProfiles } from '../accounts/account-profiles.js';
import { BroadcastIndexer } from '../broadcasts/broadcast-indexer.js';
import { ids, startDiscovery } from '../discovery.test-app.js';
import { indexNames } from '../search-index/index-names.js';
import { currentGeneration } from '../search-index/index-setup.js';
import { createSearchClient } from '../search-index/search-client.js';
import { DiscoverableBroadcastsClient, STREAM_SESSIONS_PROTO } from './discoverable-broadcasts.client.js';
import { reindex, ReindexInProgressError, type ReindexOptions } from './reindex.js';

type Page = { items: Array<{ id: string; state: string }> };

// A reindex from the real stream-sessions (its gRPC API, mutual TLS) while broadcasts go live and
// end and people search: nothing lost, nothing stale, no failed search.
describe('discovery: reindex from stream-sessions', () => {
  const ctx = TestContext.create('disc_reindex');
  const names = indexNames(ctx.indexPrefix);
  const es = createSearchClient(ctx.infra.esUrl);
  let sessions: RunningService;
  let discovery: RunningService;
  let owner: TestUser;
  let viewer: TestUser;
  let source: DiscoverableBroadcastsClient;
  const producer = createIdempotentProducer(ctx.kafka());

  const call = (base: string, method: string, path: string, user: TestUser, body?: unknown) =>
    fetch(`${base}${path}`, { method, headers: { ...user.authHeader, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const search = async (user: TestUser, q: string) => {
    const res = await fetch(`${discovery.url}/v1/discovery/search?q=${encodeURIComponent(q)}&limit=50`, { headers: user.authHeader });
    return { status: res.status, body: (await res.json()) as Page };
  };

  /** A broadcast made live the way an SFU node does it (its publisher.joined event). */
  async function liveBroadcast(title: string): Promise<string> {
    const res = await call(sessions.url, 'POST', '/v1/broadcasts', owner, { title, language: 'en', visibility: 'public' });
    const { id } = (await res.json()) as { id: string };
    const joined = create(PublisherJoinedSchema, { broadcastId: id, nodeId: 'node-test', publisherId: owner.id, at: timestampNow() });
    await producer.send({ topic: ctx.topicPrefix + PublisherJoinedEvent.topic, acks: -1, messages: [encodeEvent(PublisherJoinedEvent, joined, { id: randomUUID(), source: 'sfu-worker', time: new Date() })] });
    await waitUntil(async () => (await json(await call(sessions.url, 'GET', `/v1/broadcasts/${id}`, owner))).state === 'live', 20_000, 'live');
    return id;
  }

  const options = (extra: Partial<ReindexOptions>): ReindexOptions => ({
    es,
    names,
    layout: { shards: 1, replicas: 0 },
    kafka: { brokers: ctx.infra.kafkaBrokers, clientId: 'reindex-test', topicPrefix: ctx.topicPrefix, defaultPartitions: 2 },
    indexer: new BroadcastIndexer(es, names, new AccountProfiles(es, names.accounts)),
    source: () => source.pages(7),
    graceMs: 500,
    ...extra,
  });

  beforeAll(async () => {
    const identity = await ctx.startIdentity();
    const replays = mkdtempSync(join(tmpdir(), 'onair-replays-'));
    ctx.onCleanup(async () => rmSync(replays, { recursive: true, force: true }));
    const graph = await startServiceProcess(ctx, 'social-graph', { AUTH_JWKS_URL: identity.jwksUrl, KAFKA_TOPIC_PARTITIONS: '2' });
    sessions = await startServiceProcess(ctx, 'stream-sessions', {
      AUTH_JWKS_URL: identity.jwksUrl,
      SOCIAL_GRAPH_GRPC_URL: `127.0.0.1:${graph.grpcPort}`,
      REPLAY_DIR: replays,
      KAFKA_TOPIC_PARTITIONS: '2',
    });
    discovery = await startDiscovery(ctx, identity.jwksUrl, graph.grpcPort, { STREAM_SESSIONS_GRPC_URL: `127.0.0.1:${sessions.grpcPort}` });
    await producer.connect();
    const pki = ctx.infra.pkiDir;
    source = new DiscoverableBroadcastsClient({
      address: `127.0.0.1:${sessions.grpcPort}`,
      protoDir: findProtoDir(STREAM_SESSIONS_PROTO, __dirname),
      tls: { caFile: join(pki, 'ca.crt'), certFile: join(pki, 'discovery.crt'), keyFile: join(pki, 'discovery.key') },
    });
    [owner, viewer] = await Promise.all([ctx.newUser(), ctx.newUser()]);
  }, 120_000);
  afterAll(async () => {
    source?.close();
    await producer.disconnect();
    await es.close();
    await ctx.cleanup();
  });

  it('rebuilds what drifted, keeps what changed meanwhile, and no search fails during the swap', async () => {
    const before: string[] = [];
    for (let i = 0; i < 16; i++) before.push(await liveBroadcast(`Reindex show ${i}`));
    await waitUntil(async () => ids((await search(viewer, 'reindex show')).body).length === 16, 20_000, 'all sixteen indexed');
    // Drift: documents lost from the index (a restore from an old snapshot, a bad manual edit).
    const lost = before.slice(0, 4);
    for (const id of lost) await es.delete({ index: names.broadcasts, id, refresh: true });
    expect(ids((await search(viewer, 'reindex show')).body)).toHaveLength(12);

    // Searches all along; none may fail.
    const failures: string[] = [];
    let searches = 0;
    let searching = true;
    const loop = (async () => {
      while (searching) {
        const { status } = await search(viewer, 'reindex show');
        searches++;
        if (status !== 200) failures.push(String(status));
      }
    })();

    // While it rebuilds, one broadcast goes live and another ends.
    let newcomer = '';
    const ended = before[10];
    const previous = await currentGeneration(es, names.broadcasts);
    const report = await reindex(
      options({
        // After the last page: the source of truth it read knows neither change; only the
        // events caught up from the log positions taken before the walk can bring them.
        source: async function* () {
          yield* source.pages(7);
          newcomer = await liveBroadcast('Reindex show newcomer');
          expect((await call(sessions.url, 'POST', `/v1/broadcasts/${ended}/end`, owner)).status).toBeLessThan(300);
        },
      }),
    );
    searching = false;
    await loop;

    expect(failures).toEqual([]);
    expect(searches).toBeGreaterThan(5);
    expect(report.previous).toBe(previous);
    expect(report.fromSource).toBeGreaterThanOrEqual(16);
    expect(await currentGeneration(es, names.broadcasts)).toBe(report.generation);
    expect(await es.indices.exists({ index: previous })).toBe(false);
    const found = ids((await search(viewer, 'reindex show')).body).sort();
    expect(found).toEqual([...before.filter((id) => id !== ended), newcomer].sort());

    // The live consumers write into the new generation from now on.
    const later = await liveBroadcast('Reindex show after');
    await waitUntil(async () => ids((await search(viewer, 'reindex show after')).body).includes(later), 10_000, 'a go-live after the reindex');
  }, 180_000);

  it('refuses to start while another reindex is building, unless forced', async () => {
    const stale = `${names.generationPrefix}stale`;
    await es.indices.create({ index: stale, aliases: { [names.building]: {} } });
    await expect(reindex(options({}))).rejects.toBeInstanceOf(ReindexInProgressError);
    const report = await reindex(options({ force: true }));
    expect(await es.indices.exists({ index: stale })).toBe(false);
    expect(await currentGeneration(es, names.broadcasts)).toBe(report.generation);
  }, 120_000);
});
