import type { INestApplication } from '@nestjs/common';
import { endOnPage,
  expectNoSeriousA11yViolations,
  freePort,
  goLiveOnPage,
  launchChromium,
  repoRoot,
  signInOnPage,
  startServiceProcess,
  TestContext,
  throttleUdpFrom,
  waitForPageState,
  waitUntil,
  type RunningService,
  type TestUser,
} from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config.js';
import { createEdgeApp } from '../edge-app.js';
import { expectGrowingFrames } from './growing-frames.test-app.js';
import { startSfuNode as startSfuNodeProcess } from './sfu-node.test-app.js';

startTelemetry({ serviceName: 'edge' });

/** The build to serve: this checkout's (the edge's default) unless a test run names another. */
const WEB_ROOT = process.env.ONAIR_TEST_WEB_ROOT || join(repoRoot, 'services/web/dist');
/** Where the studio's fake position is: its broadcast shows it rounded to ~1 km. */
const POSITION = { latitude: 48.85661, longitude: 2.35222 };

const RELAY_SECRET = 'e2e-relay-secret-shared-by-both-sfu-nodes';

/**
 * The whole platform end to end: identity, social-graph, stream-sessions and sfu-worker as
 * real processes on real PostgreSQL, Kafka and mediasoup, behind the edge serving the web
 * client (services/web, under its CSP); one headless Chromium page goes live from its fake
 * camera, another watches and decodes frames.
 */
describe('live video end to end in headless Chromium', () => {
  const ctx = TestContext.create('e2e_live');
  const replays = mkdtempSync(join(tmpdir(), 'onair-replays-'));
  let edge: INestApplication;
  let base: string;
  /** The SFU node processes by node id. */
  const sfuNodes = new Map<string, RunningService>();
  /** Each node's one WebRtcServer port (SFU_WORKERS 1): all its WebRTC media leaves from there. */
  const rtcPorts = new Map<string, number>();
  /** Starts an SFU node (signalling straight to it unless `signallingUrl` says otherwise); its node id. */
  let startSfuNode: (name: string, signallingUrl?: string) => Promise<string>;

  beforeAll(async () => {
    const edgePort = await freePort();
    const identity = await ctx.startIdentity();
    const graphGrpc = await freePort();
    const graph = await startServiceProcess(ctx, 'social-graph', { GRPC_PORT: String(graphGrpc), AUTH_JWKS_URL: identity.jwksUrl });
    const sessions = await startServiceProcess(ctx, 'stream-sessions', {
      AUTH_JWKS_URL: identity.jwksUrl,
      SOCIAL_GRAPH_GRPC_URL: `127.0.0.1:${graphGrpc}`,
      REPLAY_DIR: replays,
      // Nodes that stop leave by draining here, never by going silent: a wider staleness keeps
      // the nodes placeable when a loaded machine delays their load reports past 2.5 s.
      SFU_NODE_STALE_SECONDS: '15',
    });
    // Two SFU nodes sharing a relay secret; a Router takes 4 consumers (the recording's 2 and
    // one viewer's 2), so the next viewer of the publisher's node is placed on the other node.
    startSfuNode = async (name, signallingUrl) => {
      const jwksUrl = `${sessions.url}/.well-known/media-jwks.json`;
      const env = { SFU_MAX_CONSUMERS_PER_ROUTER: '4', SFU_DRAIN_TIMEOUT_MS: '1000' };
      const node = await startSfuNodeProcess(ctx, { name, jwksUrl, replays, signallingUrl, relaySecret: RELAY_SECRET, env });
      rtcPorts.set(node.nodeId, node.rtcPort);
      sfuNodes.set(node.nodeId, node.service);
      return node.nodeId;
    };
    const chat = await startServiceProcess(ctx, 'chat', {
      AUTH_JWKS_URL: identity.jwksUrl,
      MEDIA_TICKET_JWKS_URL: `${sessions.url}/.well-known/media-jwks.json`,
      CHAT_PRESENCE_INTERVAL_MS: '500',
    });
    const nodeA = await startSfuNode('node-a', `ws://127.0.0.1:${edgePort}/v1/sfu/signal`);
    await startSfuNode('node-b');
    const services = { identity: identity.url, 'social-graph': graph.url, 'stream-sessions': sessions.url, 'sfu-worker': sfuNodes.get(nodeA)!.url, chat: chat.url };
    edge = await createEdgeApp(
      loadConfig({
        LOG_LEVEL: 'error',
        EDGE_SERVICES: Object.entries(services).map(([n, u]) => `${n}=${u}`).join(','),
        EDGE_ROUTES: '/v1/accounts=identity,/v1/sessions=identity,/v1/users=identity,/v1/graph=social-graph,/v1/broadcasts=stream-sessions,/v1/sfu=sfu-worker,/v1/chat=chat',
        // The other nodes' signalling is straight to them, not through the edge: the client's
        // CSP must let the pages connect there (as a deployment names its SFU nodes' hosts).
        EDGE_CSP_CONNECT_SRC: 'ws://127.0.0.1:*',
        EDGE_WEB_ROOT: WEB_ROOT,
      }),
    );
    await edge.listen(edgePort, '127.0.0.1');
    base = await edge.getUrl();
  }, 180_000);

  afterAll(async () => {
    // Browsers first: their proxied WebSockets would keep the edge's server from closing.
    await ctx.cleanup();
    await edge?.close();
    rmSync(replays, { recursive: true, force: true });
  }, 120_000);

  async function post<T>(path: string, person: TestUser, body: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { ...person.authHeader, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as T };
  }

  /** A circle of `owner`'s with `members` in it (who follow the owner first: circles hold followers only). */
  async function circleOf(owner: TestUser, members: TestUser[]): Promise<string> {
    const circle = (await post<{ id: string }>('/v1/graph/circles', owner, { name: `e2e ${Date.now()}` })).body.id;
    for (const m of members) {
      await post(`/v1/graph/follows/${owner.id}`, m, {});
      const res = await fetch(`${base}/v1/graph/circles/${circle}/members/${m.id}`, { method: 'PUT', headers: owner.authHeader });
      expect(res.status).toBeLessThan(300);
    }
    return circle;
  }


  /** A new public broadcast of `owner`'s, not live yet; its id. */
  async function createBroadcast(owner: TestUser, title: string): Promise<string> {
    return (await post<{ id: string }>('/v1/broadcasts', owner, { title, topics: [], language: 'en', visibility: 'public' })).body.id;
  }

  /** The node a ticket for `person` names now. */
  async function ticketNode(broadcastId: string, person: TestUser, role: 'publish' | 'consume'): Promise<string> {
    return (await post<{ nodeId: string }>(`/v1/broadcasts/${broadcastId}/tickets`, person, { role })).body.nodeId;
  }

  /**
   * A broadcast live from a studio page, watched on the publisher's node (the origin) by one page,
   * which fills it (the recording's and this viewer's consumers), and by a second page placed on
   * the other node, which relays the broadcast from the origin. Both decode growing frames.
   */
  async function liveWithRelayedViewer(title: string, withOptions = false) {
    const [broadcaster, viewer, second, juror] = [await ctx.newUser(), await ctx.newUser(), await ctx.newUser(), await ctx.newUser()];
    const nodeIds = [...sfuNodes.keys()];
    const browser = await launchChromium(ctx);
    const errors: string[] = [];
    const page = async (options = {}) => {
      const p = await (await browser.newContext(options)).newPage();
      p.on('pageerror', (e) => errors.push(e.message));
      return p;
    };
    const studio = await page({ geolocation: POSITION, permissions: ['geolocation'] });
    // With options: a topic, the position to ~1 km, and a circle of the viewers as the audience.
    const circle = withOptions ? await circleOf(broadcaster, [viewer, second, juror]) : undefined;
    const broadcastId = await goLiveOnPage(studio, base, broadcaster, title, async (p) => {
      if (!circle) return;
      await p.fill('#topic-input', 'Sunsets');
      await p.press('#topic-input', 'Enter');
      await p.waitForSelector('#topics li:text("#sunsets")');
      await p.check('#share-location');
      await p.waitForSelector('#location-status:text("Your position is shared")');
      await p.selectOption('#location-precision', 'neighbourhood');
      await p.selectOption('#visibility', `circle:${circle}`);
      await expectNoSeriousA11yViolations(p, 'go-live-form-options');
    });
    // "live" on the studio page means viewers are admitted: stream-sessions has it live too.
    const record = await fetch(`${base}/v1/broadcasts/${broadcastId}`, { headers: broadcaster.authHeader });
    expect(await record.json()).toMatchObject({ state: 'live' });
    if (circle) {
      const options = { topics: ['sunsets'], location: { latitude: 48.86, longitude: 2.35, precision: 'neighbourhood' }, visibility: `circle:${circle}` };
      expect(await (await fetch(`${base}/v1/broadcasts/${broadcastId}`, { headers: broadcaster.authHeader })).json()).toMatchObject(options);
    }

    const player = await page();
    await player.goto(`${base}/watch/${broadcastId}`);
    await signInOnPage(player, viewer);
    await waitForPageState(player, ['watching']);
    await expectGrowingFrames(player);
    const origin = (await player.evaluate('document.body.dataset.nodeId')) as string;
    expect(nodeIds).toContain(origin);

    const relayNode = nodeIds.find((n) => n !== origin)!;
    await waitUntil(async () => (await ticketNode(broadcastId, second, 'consume')) === relayNode, 15_000, 'placement on the other node');
    const relayed = await page();
    await relayed.goto(`${base}/watch/${broadcastId}`);
    await signInOnPage(relayed, second);
    await waitForPageState(relayed, ['watching']);
    expect(await relayed.evaluate('document.body.dataset.nodeId')).toBe(relayNode);
    await expectGrowingFrames(relayed);
    expect(errors).toEqual([]);
    return { studio, player, relayed, origin, relayNode, errors, broadcaster, viewer, juror, page, broadcastId };
  }

  it('publishes from one page and decodes growing video frames in another, and in a third through a relaying node; they chat and send hearts', async () => {
    const { studio, player, relayed, viewer, juror, page, broadcastId } = await liveWithRelayedViewer('Sunset over the river', true);

    // The chat beside the video, through the edge: a viewer writes and taps hearts, everyone sees it.
    const chatOf = (p: typeof player, what: string) => p.evaluate(`window.onairChat.${what}()`);
    await waitUntil(async () => (await chatOf(studio, 'joined')) === 3, 20_000, 'three in the chat on the studio page');
    await waitUntil(async () => (await studio.textContent('#viewer-count')) === '2', 20_000, 'two watching on the studio page');
    await player.fill('#chat-text', 'what a sunset');
    await player.click('#chat-send');
    for (let i = 0; i < 7; i++) await relayed.click('#heart');
    for (const p of [studio, player, relayed]) {
      await waitUntil(async () => ((await chatOf(p, 'messages')) as string[]).includes('what a sunset'), 15_000, 'the message on every page');
      await waitUntil(async () => (await chatOf(p, 'hearts')) === 7, 15_000, 'seven hearts on every page');
    }
    expect(await studio.textContent('#messages')).toContain('what a sunset');
    await expectNoSeriousA11yViolations(studio, 'go-live-studio');
    await expectNoSeriousA11yViolations(player, 'watch');
    // The broadcaster's counter; a tap on the picture and the H key are hearts too.
    expect(await studio.textContent('#studio-hearts')).toBe('7');
    await player.click('#player');
    await player.keyboard.press('h');
    await waitUntil(async () => (await studio.textContent('#studio-hearts')) === '9', 15_000, 'nine hearts on the studio page');

    // A viewer reports a message: the juror (in the room, neither author nor reporter) is asked, votes guilty, the author is muted.
    const jurorPage = await page();
    await jurorPage.goto(`${base}/watch/${broadcastId}`);
    await signInOnPage(jurorPage, juror);
    await waitUntil(async () => (await chatOf(studio, 'joined')) === 4, 20_000, 'the juror in the chat');
    await relayed.click(`[aria-label="Report message from ${viewer.handle}"]`);
    await waitUntil(async () => ((await chatOf(relayed, 'reports')) as string[]).length === 1, 15_000, 'the report acknowledged');
    await jurorPage.click('#jury-guilty');
    await waitUntil(async () => (await chatOf(player, 'state')) === 'MUTED', 20_000, 'the author muted by the jury');

    await endOnPage(studio);
    // broadcast.ended.v1 reaches the SFU over Kafka; it tells the viewers and closes the rooms
    // (the relaying node's too).
    await waitForPageState(player, ['ended']);
    await waitForPageState(relayed, ['ended']);
    // Once the recording is stored, the ended page links to the replay.
    await player.waitForSelector('#replay-link', { timeout: 60_000 });
  }, 240_000);

  it('keeps a viewer waiting, not failing, while the broadcast has not gone live', async () => {
    const [broadcaster, viewer] = [await ctx.newUser(), await ctx.newUser()];
    const id = await createBroadcast(broadcaster, 'Starting soon');
    const player = await (await (await launchChromium(ctx)).newContext()).newPage();
    await player.goto(`${base}/watch/${id}`);
    await signInOnPage(player, viewer);
    await waitForPageState(player, ['waiting']);
    expect(await player.textContent('#status')).toBe('waiting for the broadcast to start…');
    // Still waiting a few ticket attempts later.
    await new Promise((r) => setTimeout(r, 2500));
    expect(await player.evaluate('document.body.dataset.state')).toBe('waiting');
    // The owner calls it off before going live: the page says it has ended.
    expect((await post(`/v1/broadcasts/${id}/end`, broadcaster, {})).status).toBe(200);
    await waitForPageState(player, ['ended']);
    expect(await player.textContent('#status')).toBe('the broadcast has ended');
  }, 60_000);

  it('gives a viewer with a narrow downlink a lower simulcast layer, and the top one back when its bandwidth returns', async () => {
    const { studio, relayed, relayNode } = await liveWithRelayedViewer('Narrow pipe');
    // The decoded picture's width: the simulcast layer the viewer gets (1280, 640 or 320 wide).
    const width = () => relayed.evaluate('document.querySelector("#player").videoWidth') as Promise<number>;
    await waitUntil(async () => (await width()) === 1280, 30_000, 'the top layer on a wide downlink');
    // The relaying node serves only this viewer: its media leaves from its one WebRtcServer port.
    const undo = throttleUdpFrom(rtcPorts.get(relayNode)!, 300);
    try {
      await waitUntil(async () => (await width()) <= 640, 30_000, 'a lower layer on a 300 kbit/s downlink');
      await expectGrowingFrames(relayed);
    } finally {
      undo();
    }
    await waitUntil(async () => (await width()) === 1280, 45_000, 'the top layer again once the bandwidth is back');
    await expectGrowingFrames(relayed);
    await endOnPage(studio);
    await waitForPageState(relayed, ['ended']);
  }, 180_000);

  // Last: it stops the SFU nodes.
  it('moves a viewer to another node when the node it watches from shuts down (scale-down), and publisher and viewer to a new node when the publisher\'s goes', async () => {
    const { studio, player, relayed, origin, relayNode, errors, broadcaster } = await liveWithRelayedViewer('Scaling down');
    expect(await relayed.evaluate('window.onair.joins()')).toBe(1);
    // The origin gets room again: the first viewer leaves.
    await player.context().close();
    // The relaying node's pod is scaled away: SIGTERM. It reports that it drains (no new viewers
    // are placed there), then closes its rooms with SFU.SHUTTING_DOWN; the page joins again.
    sfuNodes.get(relayNode)!.process.kill('SIGTERM');
    await waitUntil(async () => (await relayed.evaluate('window.onair.joins()')) === 2, 45_000, 'the viewer to join again');
    expect(await relayed.evaluate('document.body.dataset.nodeId')).toBe(origin);
    expect(await relayed.evaluate('document.body.dataset.state')).toBe('watching');
    await expectGrowingFrames(relayed);
    expect(errors).toEqual([]);

    // A new node comes up and the publisher's node goes too: the studio publishes again on the
    // new node (the broadcast stays live), and the viewer follows it there.
    const fresh = await startSfuNode('node-c');
    // Its first load report has reached stream-sessions once a new broadcast would go there.
    const next = await createBroadcast(broadcaster, 'Next one');
    await waitUntil(async () => (await ticketNode(next, broadcaster, 'publish')) === fresh, 15_000, 'the new node to report');
    sfuNodes.get(origin)!.process.kill('SIGTERM');
    await waitUntil(async () => (await studio.evaluate('document.body.dataset.nodeId')) === fresh, 45_000, 'the studio to publish on the new node');
    await waitForPageState(studio, ['live'], 20_000);
    await waitUntil(async () => (await relayed.evaluate('window.onair.joins()')) === 3, 60_000, 'the viewer to join the new node');
    expect(await relayed.evaluate('document.body.dataset.nodeId')).toBe(fresh);
    await expectGrowingFrames(relayed);
    expect(errors).toEqual([]);

    await endOnPage(studio);
    await waitForPageState(relayed, ['ended']);
  }, 240_000);
});
