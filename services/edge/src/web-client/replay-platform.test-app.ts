// Test-only: a broadcast with a real replay and a real chat replay. identity, social-graph,
// stream-sessions and chat as processes from their builds; what the SFU does is stood in for:
// its Kafka events (publisher joined, recording finished) are published as sfu-worker
// publishes them, and the recording is a real HLS VOD that ffmpeg writes into the replay
// directory, laid out as the SFU writes it (as services/stream-sessions' replays.int-spec does).
import { create } from '@bufbuild/protobuf';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import { PublisherJoinedEvent, PublisherJoinedSchema, RecordingFinishedEvent, RecordingFinishedSchema } from '@onair/contracts';
import { encodeEvent } from '@onair/kafka';
import { freePort, json, startServiceProcess, waitUntil, type TestContext, type TestUser } from '@onair/testing';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';

export interface ReplayPlatform {
  /** EDGE_SERVICES for these services. */
  services: string;
  /** A live broadcast of `owner`, its id. */
  goLive(owner: TestUser, title: string): Promise<string>;
  /** `text` posted in the broadcast's chat by `user`, once chat has acknowledged it. */
  say(user: TestUser, broadcastId: string, text: string): Promise<void>;
  /** Ends the broadcast with a recording of `seconds` (ffmpeg's test pattern); resolves once replay_ready. */
  endWithRecording(owner: TestUser, broadcastId: string, seconds: number): Promise<void>;
  call(method: string, path: string, user: TestUser, body?: unknown): Promise<Response>;
}

export async function startReplayPlatform(ctx: TestContext): Promise<ReplayPlatform> {
  const replayDir = mkdtempSync(join(tmpdir(), 'onair-replays-'));
  ctx.onCleanup(async () => rmSync(replayDir, { recursive: true, force: true }));
  const identity = await ctx.startIdentity();
  const graphGrpc = await freePort();
  const graph = await startServiceProcess(ctx, 'social-graph', { GRPC_PORT: String(graphGrpc), AUTH_JWKS_URL: identity.jwksUrl });
  const sessions = await startServiceProcess(ctx, 'stream-sessions', {
    AUTH_JWKS_URL: identity.jwksUrl,
    SOCIAL_GRAPH_GRPC_URL: `127.0.0.1:${graphGrpc}`,
    REPLAY_DIR: replayDir,
  });
  const chat = await startServiceProcess(ctx, 'chat', {
    AUTH_JWKS_URL: identity.jwksUrl,
    MEDIA_TICKET_JWKS_URL: `${sessions.url}/.well-known/media-jwks.json`,
  });
  const producer = ctx.kafka().producer({ allowAutoTopicCreation: false });
  await producer.connect();
  ctx.onCleanup(() => producer.disconnect());
  const publishAsSfu = async (record: ReturnType<typeof encodeEvent>, topic: string) =>
    producer.send({ topic: ctx.topicPrefix + topic, acks: -1, messages: [record] });
  const call = (method: string, path: string, user: TestUser, body?: unknown) =>
    fetch(`${path.startsWith('/v1/chat') ? chat.url : sessions.url}${path}`, {
      method,
      headers: { ...user.authHeader, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const waitForState = (id: string, owner: TestUser, state: string) =>
    waitUntil(async () => (await json(await call('GET', `/v1/broadcasts/${id}`, owner))).state === state, 20_000, `the broadcast ${state}`);

  return {
    services: `identity=${identity.url},social-graph=${graph.url},stream-sessions=${sessions.url},chat=${chat.url}`,
    call,
    async goLive(owner, title) {
      const res = await call('POST', '/v1/broadcasts', owner, { title, language: 'en', visibility: 'public' });
      if (res.status !== 201) throw new Error(`creating a broadcast answered ${res.status}: ${await res.text()}`);
      const { id } = (await res.json()) as { id: string };
      const joined = create(PublisherJoinedSchema, { broadcastId: id, nodeId: 'node-test', publisherId: owner.id, at: timestampNow() });
      await publishAsSfu(encodeEvent(PublisherJoinedEvent, joined, { id: randomUUID(), source: 'sfu-worker', time: new Date() }), PublisherJoinedEvent.topic);
      await waitForState(id, owner, 'live');
      return id;
    },
    async say(user, broadcastId, text) {
      const ticketRes = await call('POST', `/v1/broadcasts/${broadcastId}/tickets`, user, { role: 'chat' });
      if (ticketRes.status !== 201) throw new Error(`chat ticket answered ${ticketRes.status}: ${await ticketRes.text()}`);
      const { ticket } = (await ticketRes.json()) as { ticket: string };
      const ws = new WebSocket(`${chat.url.replace('http', 'ws')}/v1/chat/socket?ticket=${ticket}&broadcastId=${broadcastId}`);
      try {
        await new Promise<void>((resolve, reject) => {
          ws.on('message', (data) => {
            const frame = JSON.parse(data.toString()) as { type: string; id?: number };
            if (frame.type === 'joined') ws.send(JSON.stringify({ type: 'message', text, id: 1 }));
            else if (frame.id === 1 && frame.type === 'ack') resolve();
            else if (frame.id === 1) reject(new Error(`chat answered ${data.toString()}`));
          });
          ws.once('error', reject);
          setTimeout(() => reject(new Error('no ack from chat')), 15_000);
        });
      } finally {
        ws.terminate();
      }
    },
    async endWithRecording(owner, broadcastId, seconds) {
      const dir = join(replayDir, broadcastId);
      mkdirSync(dir, { recursive: true });
      // 1 s segments: the player's first segment is quick, and seeking lands close to where it is asked.
      execFileSync(ctx.infra.ffmpegBin ?? '/usr/bin/ffmpeg', [
        '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc=duration=${seconds}:size=640x360:rate=25`,
        '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '25', '-hls_time', '1', '-hls_playlist_type', 'vod',
        '-hls_segment_filename', join(dir, 'index%d.ts'), join(dir, 'index.m3u8'),
      ]);
      const segments = readdirSync(dir).filter((f) => f.endsWith('.ts')).length;
      const ended = await call('POST', `/v1/broadcasts/${broadcastId}/end`, owner);
      if (ended.status !== 200) throw new Error(`ending answered ${ended.status}: ${await ended.text()}`);
      const finished = create(RecordingFinishedSchema, { broadcastId, nodeId: 'node-test', playlist: `${broadcastId}/index.m3u8`, durationMs: BigInt(seconds * 1000), segments });
      await publishAsSfu(encodeEvent(RecordingFinishedEvent, finished, { id: randomUUID(), source: 'sfu-worker', time: new Date() }), RecordingFinishedEvent.topic);
      await waitForState(broadcastId, owner, 'replay_ready');
    },
  };
}
