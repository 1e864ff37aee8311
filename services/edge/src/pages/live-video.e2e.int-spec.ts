import type { INestApplication } from '@nestjs/common';
import { freePort, freePorts, goLiveOnPage, launchChromium, signInOnPage, startServiceProcess, TestContext, waitForPageState } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config.js';
import { createEdgeApp } from '../edge-app.js';

startTelemetry({ serviceName: 'edge' });

/**
 * The whole platform end to end: identity, social-graph, stream-sessions and sfu-worker as
 * real processes on real PostgreSQL, Kafka and mediasoup, behind the edge; one headless
 * Chromium page goes live from its fake camera, another watches and decodes frames.
 */
describe('live video end to end in headless Chromium', () => {
  const ctx = TestContext.create('e2e_live');
  const replays = mkdtempSync(join(tmpdir(), 'onair-replays-'));
  let edge: INestApplication;
  let base: string;

  beforeAll(async () => {
    const edgePort = await freePort();
    const identity = await ctx.startIdentity();
    const graphGrpc = await freePort();
    const graph = await startServiceProcess(ctx, 'social-graph', { GRPC_PORT: String(graphGrpc), AUTH_JWKS_URL: identity.jwksUrl });
    const sessions = await startServiceProcess(ctx, 'stream-sessions', {
      AUTH_JWKS_URL: identity.jwksUrl,
      SOCIAL_GRAPH_GRPC_URL: `127.0.0.1:${graphGrpc}`,
      REPLAY_DIR: replays,
    });
    const sfu = await startServiceProcess(ctx, 'sfu-worker', {
      MEDIA_TICKET_JWKS_URL: `${sessions.url}/.well-known/media-jwks.json`,
      SFU_SIGNALLING_URL: `ws://127.0.0.1:${edgePort}/v1/sfu/signal`,
      SFU_RTC_PORT_BASE: String(await freePorts(1)),
      SFU_WORKERS: '1',
      SFU_NODE_ID: `${ctx.id}-node`,
      REPLAY_DIR: replays,
      FFMPEG_BIN: ctx.infra.ffmpegBin ?? '/usr/bin/ffmpeg',
      SFU_DRAIN_TIMEOUT_MS: '1000',
    });
    const services = { identity: identity.url, 'social-graph': graph.url, 'stream-sessions': sessions.url, 'sfu-worker': sfu.url };
    edge = await createEdgeApp(
      loadConfig({
        LOG_LEVEL: 'error',
        EDGE_SERVICES: Object.entries(services).map(([n, u]) => `${n}=${u}`).join(','),
        EDGE_ROUTES: '/v1/accounts=identity,/v1/sessions=identity,/v1/users=identity,/v1/graph=social-graph,/v1/broadcasts=stream-sessions,/v1/sfu=sfu-worker',
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

  it('publishes from one page and decodes growing video frames in another', async () => {
    const [broadcaster, viewer] = [await ctx.newUser(), await ctx.newUser()];
    const browser = await launchChromium(ctx);
    const studio = await (await browser.newContext()).newPage();
    const errors: string[] = [];
    studio.on('pageerror', (e) => errors.push(e.message));
    const broadcastId = await goLiveOnPage(studio, base, broadcaster, 'Sunset over the river');
    // "live" on the studio page means viewers are admitted: stream-sessions has it live too.
    const record = await fetch(`${base}/v1/broadcasts/${broadcastId}`, { headers: broadcaster.authHeader });
    expect(await record.json()).toMatchObject({ state: 'live' });

    const player = await (await browser.newContext()).newPage();
    player.on('pageerror', (e) => errors.push(e.message));
    await player.goto(`${base}/watch/${broadcastId}`);
    await signInOnPage(player, viewer);
    await waitForPageState(player, ['watching']);
    const framesDecoded = () => player.evaluate('window.onair.framesDecoded()') as Promise<number>;
    const first = await framesDecodedAbove(framesDecoded, 0);
    // Growing: more frames decode after the first ones (a frozen picture would stay put).
    const later = await framesDecodedAbove(framesDecoded, first);
    expect(later).toBeGreaterThan(first);
    expect(errors).toEqual([]);

    await studio.click('#end');
    await waitForPageState(studio, ['ended'], 15_000);
    // broadcast.ended.v1 reaches the SFU over Kafka; it tells the viewer and closes the room.
    await waitForPageState(player, ['ended']);
  }, 180_000);

  it('keeps a viewer waiting, not failing, while the broadcast has not gone live', async () => {
    const [broadcaster, viewer] = [await ctx.newUser(), await ctx.newUser()];
    const created = await fetch(`${base}/v1/broadcasts`, {
      method: 'POST',
      headers: { ...broadcaster.authHeader, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Starting soon', topics: [], language: 'en', visibility: 'public' }),
    });
    const { id } = (await created.json()) as { id: string };
    const player = await (await (await launchChromium(ctx)).newContext()).newPage();
    await player.goto(`${base}/watch/${id}`);
    await signInOnPage(player, viewer);
    await waitForPageState(player, ['waiting']);
    expect(await player.textContent('#status')).toBe('waiting for the broadcast to start…');
    // Still waiting a few ticket attempts later.
    await new Promise((r) => setTimeout(r, 2500));
    expect(await player.evaluate('document.body.dataset.state')).toBe('waiting');
    // The owner calls it off before going live: the page says it has ended.
    const ended = await fetch(`${base}/v1/broadcasts/${id}/end`, { method: 'POST', headers: { ...broadcaster.authHeader, 'content-type': 'application/json' }, body: '{}' });
    expect(ended.status).toBe(200);
    await waitForPageState(player, ['ended']);
    expect(await player.textContent('#status')).toBe('the broadcast has ended');
  }, 60_000);
});

/** Polls the decoded-frame count until it passes `floor` (30 s at most); the last count read. */
async function framesDecodedAbove(framesDecoded: () => Promise<number>, floor: number): Promise<number> {
  const deadline = Date.now() + 30_000;
  let frames = await framesDecoded();
  while (frames <= floor && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    frames = await framesDecoded();
  }
  return frames;
}
