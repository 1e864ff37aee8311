// Real sfu-worker nodes for the relay benches: services/sfu-worker/dist/src/main.js run as
// processes (as libs/testing's startServiceProcess runs them for the tests), with Kafka from
// `infra up` and relays over ws between them with a shared relay secret. stream-sessions' part
// is played by MediaTicketIssuer: an Ed25519 key whose JWKS a local HTTP server serves.
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { join } from 'node:path';
import { freePorts } from '../../../libs/testing/src/free-ports.ts';
import { signMediaTicket, type MediaTicket } from '../../../libs/media-tickets/dist/index.js';
import { localEnv, repoRoot } from '../support/local-env.ts';

/** One line of a node's JSON log (libs/telemetry JsonLogger). */
export interface NodeLogLine {
  level: string;
  context?: string;
  msg: string;
}

export class MediaTicketIssuer {
  readonly jwksUrl: string;
  private readonly key: { kid: string; privateKey: KeyObject };
  private readonly server: Server;

  private constructor(jwksUrl: string, key: { kid: string; privateKey: KeyObject }, server: Server) {
    this.jwksUrl = jwksUrl;
    this.key = key;
    this.server = server;
  }

  static async start(): Promise<MediaTicketIssuer> {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const kid = randomUUID();
    const jwks = JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'EdDSA', use: 'sig' }] });
    const server = createHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(jwks));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    return new MediaTicketIssuer(`http://127.0.0.1:${port}/.well-known/media-jwks.json`, { kid, privateKey }, server);
  }

  sign(ticket: Omit<MediaTicket, 'accountId'> & { accountId?: string }): Promise<string> {
    return signMediaTicket({ accountId: randomUUID(), ...ticket }, this.key, 600);
  }

  close(): void {
    this.server.close();
  }
}

/** A secret the bench's nodes share for relaying (SFU_RELAY_SECRET, at least 32 characters). */
export const benchRelaySecret = (): string => randomBytes(24).toString('hex');

export class SfuNode {
  readonly nodeId: string;
  readonly port: number;
  private readonly child: ChildProcess;
  private readonly lines: NodeLogLine[] = [];
  private readonly waiters = new Set<() => void>();
  private tail = '';

  private constructor(nodeId: string, port: number, child: ChildProcess) {
    this.nodeId = nodeId;
    this.port = port;
    this.child = child;
    let pending = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const complete = pending.split('\n');
      pending = complete.pop()!;
      for (const raw of complete) this.onLine(raw);
    });
    child.stderr!.on('data', (chunk: Buffer) => (this.tail = (this.tail + chunk.toString()).slice(-4000)));
  }

  /** Starts a node on free ports (one mediasoup worker) and waits until it is ready. */
  static async start(name: string, jwksUrl: string, relaySecret: string, env: Record<string, string> = {}): Promise<SfuNode> {
    const port = await freePorts(1);
    const nodeId = `bench-${name}-${randomBytes(3).toString('hex')}`;
    const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', join(repoRoot, 'services/sfu-worker/dist/src/main.js')], {
      env: {
        PATH: process.env.PATH,
        HTTP_PORT: String(port),
        KAFKA_BROKERS: localEnv('ONAIR_KAFKA_BROKERS'),
        // Topics of their own, made once and reused by every run.
        KAFKA_TOPIC_PREFIX: 'bench-relay.',
        KAFKA_TOPIC_PARTITIONS: '1',
        MEDIA_TICKET_JWKS_URL: jwksUrl,
        MEDIASOUP_WORKER_BIN: localEnv('MEDIASOUP_WORKER_BIN'),
        SFU_NODE_ID: nodeId,
        SFU_WORKERS: '1',
        SFU_RTC_PORT_BASE: String(await freePorts(1)),
        SFU_RELAY_SECRET: relaySecret,
        SFU_RECORDING: 'false',
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const node = new SfuNode(nodeId, port, child);
    await node.untilReady();
    return node;
  }

  get relayUrl(): string {
    return `ws://127.0.0.1:${this.port}/v1/sfu/relay`;
  }

  signallingUrl(ticket: string): string {
    return `ws://127.0.0.1:${this.port}/v1/sfu/signal?ticket=${ticket}`;
  }

  /** Where log lines from now on start: pass it to `nextLog`. */
  get logMark(): number {
    return this.lines.length;
  }

  /** The first log line from `mark` on whose message matches `pattern`. */
  async nextLog(pattern: RegExp, mark: number, timeoutMs = 10_000): Promise<NodeLogLine> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.lines.slice(mark).find((l) => pattern.test(l.msg));
      if (found) return found;
      const left = deadline - performance.now();
      if (left <= 0 || this.exited) throw new Error(`${this.nodeId}: no log line ${pattern} within ${timeoutMs} ms${this.exited ? ' (exited)' : ''}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    const late = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(late);
  }

  private get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  private onLine(raw: string): void {
    let line: NodeLogLine;
    try {
      line = JSON.parse(raw) as NodeLogLine;
    } catch {
      line = { level: 'raw', msg: raw };
    }
    if (line.level === 'error' || line.level === 'warn') process.stderr.write(`  [${this.nodeId}] ${line.level}: ${line.msg}\n`);
    this.lines.push(line);
    for (const wake of [...this.waiters]) wake();
  }

  private async untilReady(): Promise<void> {
    const deadline = performance.now() + 60_000;
    while (!(await fetch(`http://127.0.0.1:${this.port}/readyz`).then((r) => r.ok, () => false))) {
      if (this.exited || performance.now() > deadline) {
        const lastLines = this.lines.slice(-10).map((l) => l.msg).join('\n');
        throw new Error(`${this.nodeId} did not become ready:\n${lastLines}\n${this.tail}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
