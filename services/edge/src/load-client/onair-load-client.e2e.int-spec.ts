import type { INestApplication } from '@nestjs/common';
import { freePort, freePorts, goLiveOnPage, launchChromium, startServiceProcess, TestContext, waitUntil, type TestUser } from '@onair/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config.js';
import { createEdgeApp } from '../edge-app.js';
import { expectAllReceiving, publishClip, runLoadClient } from './load-client.test-app.js';

/**
 * The load client against the platform, through the path a viewer takes: sign-in and consume
 * tickets on the edge, the SFU node's signalling WebSocket, a recv WebRtcTransport whose
 * remote SDP the client builds from mediasoup's parameters. The publisher is a Chromium page
 * going live from its fake camera (VP8 3-layer simulcast + Opus), or the load client itself
 * sending its clip (the bytes it also sends to LiveKit).
 */
describe('load client against the platform', () => {
  const ctx = TestContext.create('lc_onair');
  let edge: INestApplication;
  let base: string;

  beforeAll(async () => {
    const replays = mkdtempSync(join(tmpdir(), 'onair-replays-'));
    ctx.onCleanup(async () => rmSync(replays, { recursive: true, force: true }));
    const edgePort = await freePort();
    const identity = await ctx.startIdentity();
    const auth = { AUTH_JWKS_URL: identity.jwksUrl };
    const graph = await startServiceProcess(ctx, 'social-graph', auth);
    const sessions = await startServiceProcess(ctx, 'stream-sessions', {
      ...auth,
      SOCIAL_GRAPH_GRPC_URL: `127.0.0.1:${graph.grpcPort}`,
      REPLAY_DIR: replays,
    });
    const mediaJwks = `${sessions.url}/.well-known/media-jwks.json`;
    const [sfu, chat] = await Promise.all([
      startServiceProcess(ctx, 'sfu-worker', {
        MEDIA_TICKET_JWKS_URL: mediaJwks,
        SFU_SIGNALLING_URL: `ws://127.0.0.1:${edgePort}/v1/sfu/signal`,
        SFU_RTC_PORT_BASE: String(await freePorts(1)),
        SFU_WORKERS: '1',
        SFU_NODE_ID: `${ctx.id}-node`,
        SFU_REPORT_INTERVAL_MS: '1000',
        REPLAY_DIR: replays,
        FFMPEG_BIN: ctx.infra.ffmpegBin ?? '/usr/bin/ffmpeg',
      }),
      startServiceProcess(ctx, 'chat', { ...auth, MEDIA_TICKET_JWKS_URL: mediaJwks, CHAT_PRESENCE_INTERVAL_MS: '500' }),
    ]);
    const services = { identity: identity.url, 'social-graph': graph.url, 'stream-sessions': sessions.url, 'sfu-worker': sfu.url, chat: chat.url };
    edge = await createEdgeApp(
      loadConfig({
        LOG_LEVEL: 'error',
        EDGE_SERVICES: Object.entries(services).map(([n, u]) => `${n}=${u}`).join(','),
        EDGE_ROUTES: '/v1/accounts=identity,/v1/sessions=identity,/v1/users=identity,/v1/graph=social-graph,/v1/broadcasts=stream-sessions,/v1/sfu=sfu-worker,/v1/chat=chat',
      }),
    );
    await edge.listen(edgePort, '127.0.0.1');
    base = await edge.getUrl();
  }, 180_000);

  afterAll(async () => {
    // Browsers and the client first: their proxied WebSockets would keep the edge from closing.
    await ctx.cleanup();
    await edge?.close();
  }, 120_000);

  it('5 subscribers all receive RTP from a broadcast a browser publishes', async () => {
    const [broadcaster, viewer]: TestUser[] = await Promise.all([ctx.newUser(), ctx.newUser()]);
    const studio = await (await (await launchChromium(ctx)).newContext()).newPage();
    const broadcastId = await goLiveOnPage(studio, base, broadcaster, 'load client');

    const summary = await runLoadClient(ctx, 'onair', [
      '-edge', base, '-login', viewer.handle, '-password', viewer.password, '-broadcast', broadcastId, '-n', '5', '-duration', '10s',
    ]);
    // Which layer mediasoup forwards follows its bandwidth estimate from the client's
    // transport-cc feedback: it reaches the top layer within seconds on a quiet machine, but a
    // loaded one (CI on 2 cores) holds it lower; the top layer at scale is the bench's to show.
    expectAllReceiving(summary, 5, { anyLayer: true });
    for (const r of summary.results) expect([0, 1, 2]).toContain(r.spatialLayer);
  }, 150_000);

  it('5 subscribers all receive RTP from the clip the load client publishes', async () => {
    const [broadcaster, viewer]: TestUser[] = await Promise.all([ctx.newUser(), ctx.newUser()]);
    const published = await publishClip(ctx, 'onair-publish', ['-edge', base, '-login', broadcaster.handle, '-password', broadcaster.password]);
    const broadcastId = String(published.broadcastId);
    // Viewers get tickets once stream-sessions has seen the publisher's producers (an event away).
    await waitUntil(async () => {
      const res = await fetch(`${base}/v1/broadcasts/${broadcastId}/tickets`, { method: 'POST', headers: { ...viewer.authHeader, 'content-type': 'application/json' }, body: '{"role":"consume"}' });
      return res.status === 201;
    }, 20_000, 'the broadcast live');

    const summary = await runLoadClient(ctx, 'onair', [
      '-edge', base, '-login', viewer.handle, '-password', viewer.password, '-broadcast', broadcastId, '-n', '5', '-duration', '10s',
    ]);
    expectAllReceiving(summary, 5, { anyLayer: true });
    for (const r of summary.results) expect([0, 1, 2]).toContain(r.spatialLayer);
  }, 150_000);
});
