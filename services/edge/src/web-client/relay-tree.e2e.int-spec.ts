import type { INestApplication } from '@nestjs/common';
import {
  endOnPage,
  goLiveOnPage,
  launchChromium,
  repoRoot,
  signInOnPage,
  startServiceProcess,
  TestContext,
  waitForPageState,
  waitUntil,
  type RunningService,
  type TestUser,
} from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { decodeJwt } from 'jose';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { loadConfig } from '../config.js';
import { createEdgeApp } from '../edge-app.js';
import { expectGrowingFrames } from './growing-frames.test-app.js';
import { startSfuNode } from './sfu-node.test-app.js';

startTelemetry({ serviceName: 'edge' });

// In the full suite's end-to-end phase, which runs these suites one at a time after the others:
// beside every other suite on 2 cores, placement raced the nodes' load reports ("video servers
// busy" on a first join).
const WEB_ROOT = process.env.ONAIR_TEST_WEB_ROOT || join(repoRoot, 'services/web/dist');
const RELAY_SECRET = 'relay-tree-e2e-secret-shared-by-all-four-sfu-nodes';

/**
 * One broadcast over a relay tree of four real sfu-worker processes, watched by headless
 * Chromium pages: the publisher on A, whose Router is full with its recording; SFU_RELAY_FANOUT
 * 2, so viewers land on B and C relayed by A, then on D relayed by B. Then crashes, each in turn,
 * with the viewers decoding frames again: B SIGKILLed (D re-attaches), C's mediasoup worker
 * killed (rebuilt in the same process), the origin A SIGKILLed (the studio publishes again on
 * another node and the tree re-forms under it).
 */
describe('a relay tree of four SFU nodes, and nodes that crash', () => {
  const ctx = TestContext.create('e2e_relay_tree');
  const replays = mkdtempSync(join(tmpdir(), 'onair-replays-'));
  let edge: INestApplication;
  let base: string;
  let browser: Browser;
  let sessionsUrl: string;
  let jwksUrl: string;
  const nodes = new Map<string, RunningService>();
  const problems: string[] = [];

  /** An SFU node whose one Router takes `capacity` consumers; its node id ends in `-<name>`. */
  async function startNode(name: string, capacity: number): Promise<string> {
    const env = { SFU_MAX_CONSUMERS_PER_ROUTER: String(capacity) };
    const node = await startSfuNode(ctx, { name, jwksUrl, replays, relaySecret: RELAY_SECRET, env });
    nodes.set(node.nodeId, node.service);
    return node.nodeId;
  }

  beforeAll(async () => {
    const identity = await ctx.startIdentity();
    const graph = await startServiceProcess(ctx, 'social-graph', { AUTH_JWKS_URL: identity.jwksUrl });
    const sessions = await startServiceProcess(ctx, 'stream-sessions', {
      AUTH_JWKS_URL: identity.jwksUrl,
      SOCIAL_GRAPH_GRPC_URL: `127.0.0.1:${graph.grpcPort}`,
      REPLAY_DIR: replays,
      SFU_RELAY_FANOUT: '2',
    });
    sessionsUrl = sessions.url;
    jwksUrl = `${sessions.url}/.well-known/media-jwks.json`;
    edge = await createEdgeApp(
      loadConfig({
        LOG_LEVEL: 'error',
        EDGE_SERVICES: `identity=${identity.url},social-graph=${graph.url},stream-sessions=${sessions.url}`,
        EDGE_ROUTES: '/v1/accounts=identity,/v1/sessions=identity,/v1/users=identity,/v1/graph=social-graph,/v1/broadcasts=stream-sessions',
        EDGE_CSP_CONNECT_SRC: 'ws://127.0.0.1:*',
        EDGE_WEB_ROOT: WEB_ROOT,
      }),
    );
    await edge.listen(0, '127.0.0.1');
    base = await edge.getUrl();
    browser = await launchChromium(ctx);
  }, 180_000);

  afterAll(async () => {
    await ctx.cleanup();
    await edge?.close();
    rmSync(replays, { recursive: true, force: true });
  }, 120_000);

  async function newPage(): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    page.on('pageerror', (e) => problems.push(e.message));
    return page;
  }

  /** Where a consume ticket for `probe` would place a viewer now, and the node that one relays from. */
  async function placement(broadcastId: string, probe: TestUser): Promise<{ node: string; from?: string }> {
    const res = await fetch(`${sessionsUrl}/v1/broadcasts/${broadcastId}/tickets`, {
      method: 'POST',
      headers: { ...probe.authHeader, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'consume' }),
    });
    const body = (await res.json()) as { nodeId: string; ticket: string };
    return { node: body.nodeId, from: (decodeJwt(body.ticket).rly as { node: string } | undefined)?.node };
  }

  /** A viewer's page watching, decoding frames, on the node named. */
  async function viewerOn(broadcastId: string, node: string): Promise<Page> {
    const page = await newPage();
    await page.goto(`${base}/watch/${broadcastId}`);
    await signInOnPage(page, await ctx.newUser());
    await waitForPageState(page, ['watching']);
    expect(await page.evaluate('document.body.dataset.nodeId')).toBe(node);
    await expectGrowingFrames(page);
    return page;
  }

  const joins = (page: Page) => page.evaluate('window.onair.joins()') as Promise<number>;
  const nodeOf = (page: Page) => page.evaluate('document.body.dataset.nodeId') as Promise<string>;
  /** Until every page has joined once more than `before` says and decodes growing frames again; the time it took. */
  async function resumed(pages: Page[], before: number[], since: number, what: string): Promise<number> {
    await Promise.all(
      pages.map(async (page, i) => {
        await waitUntil(async () => (await joins(page)) > before[i] && (await page.evaluate('document.body.dataset.state')) === 'watching', 30_000, `${what}: viewer ${i} to join again`).catch(async (err: Error) => {
          const [state, status, node] = await Promise.all([page.evaluate('document.body.dataset.state'), page.textContent('#status'), nodeOf(page)]);
          const { Client } = await import('pg');
          const pg = new Client({ connectionString: ctx.infra.pgUrl });
          await pg.connect();
          const schema = ctx.schema('stream_sessions');
          const dump = JSON.stringify({
            nodes: (await pg.query(`SELECT node_id, consumers, consumer_capacity, draining, now() - received_at AS age FROM "${schema}".sfu_node`)).rows,
            edges: (await pg.query(`SELECT node_id, parent_node_id, depth FROM "${schema}".relay_edge`)).rows,
          });
          await pg.end();
          throw new Error(`${err.message} (it is ${state} on ${node}: "${status}", ${await joins(page)} joins) ${dump}`);
        });
        await expectGrowingFrames(page).catch(async (err: Error) => {
          const [state, node] = await Promise.all([page.evaluate('document.body.dataset.state'), nodeOf(page)]);
          throw new Error(`${what}: viewer ${i} ${state} on ${node} after ${await joins(page)} joins decodes no new frames: ${err.message}`);
        });
      }),
    );
    return Date.now() - since;
  }

  it('spreads the broadcast over A → B, C and B → D with media at each level; viewers resume after a relaying node, a worker and the origin are killed', async () => {
    const [a] = [await startNode('a', 2)];
    const studio = await newPage();
    const broadcaster = await ctx.newUser();
    const broadcastId = await goLiveOnPage(studio, base, broadcaster, 'Up the tree');
    expect(await nodeOf(studio)).toBe(a);
    const [b, c, d] = [await startNode('b', 2), await startNode('c', 2), await startNode('d', 8)];
    const probe = await ctx.newUser();

    // A is full with its recording: the first viewer goes to B, relayed by A.
    await waitUntil(async () => (await placement(broadcastId, probe)).node === b, 20_000, 'placement on B');
    expect(await placement(broadcastId, probe)).toEqual({ node: b, from: a });
    const onB = await viewerOn(broadcastId, b);
    // B full once it reports its viewer: C, relayed by A too.
    await waitUntil(async () => (await placement(broadcastId, probe)).node === c, 20_000, 'placement on C');
    expect(await placement(broadcastId, probe)).toEqual({ node: c, from: a });
    const onC = await viewerOn(broadcastId, c);
    // A relays to two nodes (SFU_RELAY_FANOUT): D hangs under B, the closest with room to relay.
    await waitUntil(async () => (await placement(broadcastId, probe)).node === d, 20_000, 'placement on D');
    expect(await placement(broadcastId, probe)).toEqual({ node: d, from: b });
    const onD = await viewerOn(broadcastId, d);
    expect(problems).toEqual([]);

    // B stopped reporting: placement forgets it within 3 s (SFU_NODE_STALE_SECONDS), hint or not.
    // A new broadcast's publisher who avoids every other node gets B until then, then nothing.
    const other = (await (await fetch(`${sessionsUrl}/v1/broadcasts`, { method: 'POST', headers: { ...probe.authHeader, 'content-type': 'application/json' }, body: JSON.stringify({ title: 'probe', language: 'en', visibility: 'public' }) })).json()) as { id: string };
    const publishOn = async () => {
      const res = await fetch(`${sessionsUrl}/v1/broadcasts/${other.id}/tickets`, { method: 'POST', headers: { ...probe.authHeader, 'content-type': 'application/json' }, body: JSON.stringify({ role: 'publish', avoidNodeIds: [a, c, d] }) });
      return res.status === 201 ? ((await res.json()) as { nodeId: string }).nodeId : String(res.status);
    };
    expect(await publishOn()).toBe(b);

    // B is SIGKILLed: its viewer and D's (whose relay from B broke) decode again; D hangs under C now.
    let before = await Promise.all([onB, onD].map(joins));
    let killedAt = Date.now();
    nodes.get(b)!.process.kill('SIGKILL');
    const forgotten = waitUntil(async () => (await publishOn()) === '503', 10_000, 'B forgotten').then(() => Date.now() - killedAt);
    const afterB = await resumed([onB, onD], before, killedAt, 'B killed');
    for (const page of [onB, onD]) expect(await nodeOf(page)).not.toBe(b);
    const forgottenAfter = await forgotten;
    expect(forgottenAfter).toBeLessThan(4000);

    // The origin's mediasoup worker is killed: the node replaces it, the studio publishes on it
    // again (a new Router), and every viewer down the tree resumes; A's process never restarts.
    const aPid = nodes.get(a)!.process.pid!;
    const worker = execFileSync('pgrep', ['-P', String(aPid), '-f', 'mediasoup-worker']).toString().trim().split('\n')[0];
    before = await Promise.all([onB, onC, onD].map(joins));
    killedAt = Date.now();
    process.kill(Number(worker), 'SIGKILL');
    await waitUntil(async () => (await studio.evaluate('document.body.dataset.state')) === 'reconnecting', 10_000, 'the studio to notice');
    await waitForPageState(studio, ['live'], 20_000);
    expect(await nodeOf(studio)).toBe(a);
    const afterWorker = await resumed([onB, onC, onD], before, killedAt, "A's worker killed");
    expect(nodes.get(a)!.process.exitCode).toBeNull();
    expect(execFileSync('pgrep', ['-P', String(aPid), '-f', 'mediasoup-worker']).toString().trim()).not.toBe(worker);

    // The origin A is SIGKILLed: the studio publishes again elsewhere, viewers follow under the new origin.
    before = await Promise.all([onB, onC, onD].map(joins));
    killedAt = Date.now();
    nodes.get(a)!.process.kill('SIGKILL');
    await waitUntil(async () => (await nodeOf(studio)) !== a && (await studio.evaluate('document.body.dataset.state')) === 'live', 20_000, 'the studio to publish again');
    const afterOrigin = await resumed([onB, onC, onD], before, killedAt, 'A killed');
    for (const page of [onB, onC, onD]) expect([c, d]).toContain(await nodeOf(page));
    process.stdout.write(`relay-tree e2e: resumed ${afterB} ms after B was killed (forgotten by placement after ${forgottenAfter} ms), ${afterWorker} ms after the origin's worker, ${afterOrigin} ms after the origin\n`);
    expect(problems).toEqual([]);

    await endOnPage(studio);
    for (const page of [onB, onC, onD]) await waitForPageState(page, ['ended']);
  }, 300_000);
});
