// SFU nodes a bench adds to the running local platform: sfu-worker processes from the platform's
// build that join its cluster as another machine's would. They report their load on the
// platform's Kafka topics (no prefix), admit the media tickets stream-sessions signs (its JWKS),
// relay between each other over mutual TLS with the platform's internal CA (tools/onair infra
// pki) and a relay secret of their own: the platform's node has none, so it never relays and is
// never put in a relay tree. Pages signal to them directly (ws://127.0.0.1:<port>), which the
// edge's CSP allows locally (tools/lib/platform.sh). Logs: .onair/logs/bench-<node id>.log.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../../libs/testing/src/free-ports.ts';
import { localEnv, repoRoot } from './local-env.ts';

export interface LocalSfuNode {
  nodeId: string;
  process: ChildProcess;
  log: string;
}

const stateDir = process.env.ONAIR_STATE ?? join(repoRoot, '.onair');

export class LocalSfuNodes {
  private readonly nodes = new Map<string, LocalSfuNode>();
  /** Shared by this bench's nodes only: they relay among themselves. */
  private readonly relaySecret = randomBytes(32).toString('hex');

  private readonly sessionsUrl: string;

  constructor(sessionsUrl: string) {
    this.sessionsUrl = sessionsUrl;
    // However the bench ends (a failure, process.exit, Ctrl-C), no node outlives it: a signal's
    // default action would skip the exit handlers, so signals exit too.
    process.once('exit', () => this.killAll());
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => process.exit(130));
  }

  /**
   * Starts a node with one mediasoup worker, `env` on top, `launcher` in front of node
   * (`taskset -c 0` pins the node and the worker it spawns); resolves once it answers /readyz.
   */
  async start(nodeId: string, env: Record<string, string> = {}, launcher: string[] = []): Promise<LocalSfuNode> {
    const [port, rtcPort, relayTlsPort] = [await freePort(), await freePort(), await freePort()];
    const pki = localEnv('ONAIR_PKI_DIR');
    mkdirSync(join(stateDir, 'logs'), { recursive: true });
    const log = join(stateDir, 'logs', `bench-${nodeId}.log`);
    const out = openSync(log, 'a');
    const [command, ...args] = [...launcher, process.execPath, '--disable-warning=TimeoutNegativeWarning', join(repoRoot, 'services/sfu-worker/dist/src/main.js')];
    const child = spawn(command, args, {
      env: {
        ...process.env,
        HTTP_PORT: String(port),
        SFU_NODE_ID: nodeId,
        SFU_SIGNALLING_URL: `ws://127.0.0.1:${port}/v1/sfu/signal`,
        SFU_RTC_PORT_BASE: String(rtcPort),
        SFU_WORKERS: '1',
        SFU_RELAY_SECRET: this.relaySecret,
        SFU_RELAY_TLS_PORT: String(relayTlsPort),
        INTERNAL_TLS_CA: join(pki, 'ca.crt'),
        INTERNAL_TLS_CERT: join(pki, 'sfu-worker.crt'),
        INTERNAL_TLS_KEY: join(pki, 'sfu-worker.key'),
        MEDIA_TICKET_JWKS_URL: `${this.sessionsUrl}/.well-known/media-jwks.json`,
        KAFKA_BROKERS: localEnv('ONAIR_KAFKA_BROKERS'),
        REPLAY_DIR: join(stateDir, 'replays'),
        FFMPEG_BIN: localEnv('ONAIR_FFMPEG_BIN'),
        LOG_LEVEL: 'info',
        ...env,
      },
      // Its own process group: cleaning up takes its mediasoup worker and ffmpeg along.
      detached: true,
      stdio: ['ignore', out, out],
    });
    const node = { nodeId, process: child, log };
    this.nodes.set(nodeId, node);
    await waitReady(node, `http://127.0.0.1:${port}/readyz`);
    return node;
  }

  /** SIGKILLs the node's process (as a crash would); resolves once it is gone. */
  async kill(nodeId: string): Promise<void> {
    const child = this.nodes.get(nodeId)?.process;
    if (!child || exited(child)) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
  }

  /** SIGTERM (a node's graceful stop, recordings written), then SIGKILL for whatever is left of each node's group. */
  async stopAll(): Promise<void> {
    await Promise.all(
      [...this.nodes.values()].map(async ({ process: child }) => {
        if (exited(child)) return;
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([gone, new Promise((r) => setTimeout(r, 10_000))]);
      }),
    );
    this.killAll();
  }

  private killAll(): void {
    for (const { process: child } of this.nodes.values()) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // The group is gone already.
      }
    }
  }
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

async function waitReady(node: LocalSfuNode, readyz: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited(node.process)) throw new Error(`${node.nodeId} exited during start:\n${tail(node.log)}`);
    if (await fetch(readyz).then((r) => r.ok, () => false)) return;
    if (Date.now() > deadline) throw new Error(`${node.nodeId} not ready within 60 s:\n${tail(node.log)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const tail = (file: string) => readFileSync(file, 'utf8').slice(-3000);
