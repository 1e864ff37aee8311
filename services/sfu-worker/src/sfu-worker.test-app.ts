// Test-only: boots the real sfu-worker (real mediasoup workers, real Kafka) in the suite's
// topic prefix, stands in for stream-sessions (a ticket signing key and its JWKS on a tiny
// local HTTP server), and talks to the node the way a browser does: a WebSocket.
import type { INestApplication } from '@nestjs/common';
import type { types } from 'mediasoup';
import { signMediaTicket, type MediaTicket } from '@onair/media-tickets';
import { freePorts, TestContext } from '@onair/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { loadConfig } from './config.js';
import type { Participant } from './participant/participant.js';
import { SfuRuntime } from './sfu-runtime.js';
import { createSfuWorkerApp } from './sfu-worker-app.js';

/** What the harness uses of the suite's TestContext (libs/testing). */
export interface Suite {
  readonly infra: { kafkaBrokers: string[]; ffmpegBin?: string };
  readonly topicPrefix: string;
  onCleanup(fn: () => Promise<unknown>): void;
}

/** stream-sessions' part: signs media tickets and serves the JWKS that verifies them. */
export interface TicketIssuer {
  jwksUrl: string;
  sign(ticket: Partial<MediaTicket> & { broadcastId: string; nodeId: string }, ttlSeconds?: number): Promise<string>;
  /** A ticket signed by a key that is not in the JWKS. */
  forge(ticket: MediaTicket): Promise<string>;
}

function newKey(): { kid: string; privateKey: KeyObject; jwk: Record<string, unknown> } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const kid = randomUUID();
  return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'EdDSA', use: 'sig' } };
}

export async function startTicketIssuer(ctx: Suite): Promise<TicketIssuer> {
  const key = newKey();
  const stranger = newKey();
  const server: Server = createServer((req, res) => {
    if (req.url !== '/.well-known/media-jwks.json') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [key.jwk] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  ctx.onCleanup(() => new Promise((r) => server.close(r)));
  const { port } = server.address() as { port: number };
  return {
    jwksUrl: `http://127.0.0.1:${port}/.well-known/media-jwks.json`,
    sign: (t, ttl = 60) => signMediaTicket({ accountId: randomUUID(), role: 'consume', ...t }, key, ttl),
    forge: (t) => signMediaTicket(t, stranger),
  };
}

export interface RunningSfu {
  app: INestApplication;
  runtime: SfuRuntime;
  nodeId: string;
  port: number;
  replayDir: string;
  signallingUrl(ticket: string, extra?: string): string;
  /** A participant admitted with a fresh ticket for the broadcast; its `joined` has arrived. */
  join(broadcastId: string, role?: 'publish' | 'consume', accountId?: string, audience?: MediaTicket['audience']): Promise<SignalClient>;
}

/** Starts an sfu-worker on free ports with `env` overriding the test defaults. */
export async function startSfuWorker(ctx: Suite, issuer: TicketIssuer, env: Record<string, string> = {}): Promise<RunningSfu> {
  const nodeId = env.SFU_NODE_ID ?? `node-${randomUUID().slice(0, 8)}`;
  const replayDir = env.REPLAY_DIR ?? mkdtempSync(join(tmpdir(), 'onair-replays-'));
  if (!env.REPLAY_DIR) ctx.onCleanup(async () => rmSync(replayDir, { recursive: true, force: true }));
  const config = loadConfig({
    HTTP_PORT: '0',
    KAFKA_BROKERS: ctx.infra.kafkaBrokers.join(','),
    KAFKA_TOPIC_PREFIX: ctx.topicPrefix,
    KAFKA_TOPIC_PARTITIONS: '2',
    MEDIA_TICKET_JWKS_URL: issuer.jwksUrl,
    SFU_NODE_ID: nodeId,
    SFU_WORKERS: '1',
    SFU_RTC_PORT_BASE: String(await freePorts(Number(env.SFU_WORKERS ?? 1))),
    SFU_REPORT_INTERVAL_MS: '500',
    SFU_RECORDING: 'false',
    REPLAY_DIR: replayDir,
    FFMPEG_BIN: ctx.infra.ffmpegBin ?? '/usr/bin/ffmpeg',
    LOG_LEVEL: 'error',
    ...env,
  });
  const app = await createSfuWorkerApp(config);
  ctx.onCleanup(() => app.close());
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as { port: number }).port;
  const signallingUrl = (ticket: string, extra = '') => `ws://127.0.0.1:${port}/v1/sfu/signal?ticket=${ticket}${extra}`;
  return {
    app,
    runtime: app.get(SfuRuntime),
    nodeId,
    port,
    replayDir,
    signallingUrl,
    join: async (broadcastId, role = 'consume', accountId = randomUUID(), audience) =>
      SignalClient.join(ctx, signallingUrl(await issuer.sign({ broadcastId, role, accountId, nodeId, audience }))),
  };
}

/**
 * A describe block on its own real SFU node: registers the suite's beforeAll (a ticket issuer,
 * then the node, with `env` over the test defaults) and afterAll; read `issuer` and `sfu`
 * inside tests.
 */
export function sfuSuite(name: string, env: Record<string, string> = {}) {
  const ctx = TestContext.create(name);
  let issuer: TicketIssuer | undefined;
  let sfu: RunningSfu | undefined;
  beforeAll(async () => {
    issuer = await startTicketIssuer(ctx);
    sfu = await startSfuWorker(ctx, issuer, env);
  });
  afterAll(() => ctx.cleanup());
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the suite has not started (use it inside a test)');
    return value;
  };
  return {
    ctx,
    get issuer(): TicketIssuer {
      return started(issuer);
    },
    get sfu(): RunningSfu {
      return started(sfu);
    },
  };
}

export interface Frame {
  id?: number | string | null;
  ok?: boolean;
  result?: Record<string, any>;
  error?: { code: string; message: string; details?: Record<string, unknown> };
  notification?: string;
  data?: Record<string, any>;
}

/** A signalling client as the web client speaks it (SIGNALLING.md). */
export class SignalClient {
  readonly notifications: Frame[] = [];
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private nextId = 1;
  private readonly waiting = new Map<number | string, (f: Frame) => void>();

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      this.frames.push(frame);
      if (frame.notification) this.notifications.push(frame);
      else if (frame.id !== undefined && frame.id !== null) this.waiting.get(frame.id)?.(frame);
    });
  }

  static async connect(ctx: Suite, url: string): Promise<SignalClient> {
    const ws = new WebSocket(url);
    const client = new SignalClient(ws);
    ctx.onCleanup(async () => ws.terminate());
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  /** A connected client whose `joined` notification arrived. */
  static async join(ctx: Suite, url: string): Promise<SignalClient> {
    const client = await SignalClient.connect(ctx, url);
    await client.notification('joined');
    return client;
  }

  request(method: string, params: Record<string, unknown> = {}): Promise<Frame> {
    const id = this.nextId++;
    return this.send({ id, method, params }, id);
  }

  /** Sends any frame (raw text or an object) and waits for the answer to `id`. */
  send(frame: unknown, id: number | string): Promise<Frame> {
    return new Promise((resolve, reject) => {
      this.waiting.set(id, resolve);
      this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame), (err) => err && reject(err));
    });
  }

  /** The next frame (of any kind) after the ones already received: for frames without an id. */
  async nextFrame(after: number): Promise<Frame> {
    await until(() => this.frames.length > after, 'a frame');
    return this.frames[after];
  }

  async notification(name: string, count = 1): Promise<Frame> {
    await until(() => this.notifications.filter((n) => n.notification === name).length >= count, `notification ${name}`);
    return this.notifications.filter((n) => n.notification === name)[count - 1];
  }
}

async function until(predicate: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** An ok response's result, or a failure that shows the error frame. */
export function ok(frame: Frame): Record<string, any> {
  if (!frame.ok) throw new Error(`request failed: ${JSON.stringify(frame.error)}`);
  return frame.result ?? {};
}

const VIDEO = { ssrc: 11111111, payloadType: 101 };
const AUDIO = { ssrc: 22222222, payloadType: 100 };

/**
 * The in-process test hook for media: a PlainTransport on the room's Router adopted by the
 * connected publisher, produced into over signalling, fed by ffmpeg's VP8 + Opus test patterns
 * (there is no WebRTC stack in Node). `stop()` ends ffmpeg.
 */
export async function publishTestPattern(
  ctx: Suite,
  sfu: RunningSfu,
  publisher: SignalClient,
  broadcastId: string,
  opts: { media?: boolean } = {},
): Promise<{ videoProducerId: string; audioProducerId: string; stop(): Promise<void> }> {
  const room = sfu.runtime.rooms.get(broadcastId as never);
  if (!room) throw new Error(`no room ${broadcastId}`);
  const participant = room.participants.find((p) => p.role === 'publisher') as Participant;
  const transports: types.PlainTransport[] = [];
  for (let i = 0; i < 2; i++) {
    const t = await room.router.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, comedia: true, rtcpMux: false });
    participant.attachTransport(t, 'send');
    transports.push(t);
  }
  const [video, audio] = transports;
  const videoProducerId = ok(
    await publisher.request('produce', {
      transportId: video.id,
      kind: 'video',
      rtpParameters: {
        codecs: [{ mimeType: 'video/VP8', payloadType: VIDEO.payloadType, clockRate: 90000 }],
        encodings: [{ ssrc: VIDEO.ssrc }],
      },
    }),
  ).id as string;
  const audioProducerId = ok(
    await publisher.request('produce', {
      transportId: audio.id,
      kind: 'audio',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: AUDIO.payloadType, clockRate: 48000, channels: 2 }],
        encodings: [{ ssrc: AUDIO.ssrc }],
      },
    }),
  ).id as string;
  let ffmpeg: ChildProcess | undefined;
  if (opts.media !== false) {
    const rtp = (t: types.PlainTransport) => `rtp://127.0.0.1:${t.tuple.localPort}?rtcpport=${t.rtcpTuple?.localPort}&pkt_size=1200`;
    ffmpeg = spawn(ctx.infra.ffmpegBin ?? '/usr/bin/ffmpeg', [
      '-hide_banner', '-loglevel', 'error', '-nostdin', '-re',
      '-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=30',
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-map', '0:v', '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '600k', '-g', '30',
      '-ssrc', String(VIDEO.ssrc), '-payload_type', String(VIDEO.payloadType), '-f', 'rtp', rtp(video),
      '-map', '1:a', '-c:a', 'libopus', '-ac', '2', '-ar', '48000', '-b:a', '64k',
      '-ssrc', String(AUDIO.ssrc), '-payload_type', String(AUDIO.payloadType), '-f', 'rtp', rtp(audio),
    ], { stdio: 'ignore' });
    const running = ffmpeg;
    ctx.onCleanup(async () => running.kill('SIGKILL'));
  }
  return {
    videoProducerId,
    audioProducerId,
    stop: async () => {
      if (!ffmpeg || ffmpeg.exitCode !== null) return;
      const exited = new Promise((r) => ffmpeg!.once('exit', r));
      ffmpeg.kill('SIGTERM');
      await exited;
    },
  };
}
