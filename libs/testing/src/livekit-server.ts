// LiveKit server (the peer SFU of issue 18) on loopback, for the load client's spec and the
// vs-livekit bench. No value imports beyond Node's own: the benches import this file as it is.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LiveKitServer {
  /** Its signalling origin (ws://127.0.0.1:<port>). */
  url: string;
  apiKey: string;
  apiSecret: string;
  /** The config it was started with, as written (the bench prints it). */
  config: string;
  process: ChildProcess;
  /** SIGTERM, then waits for it to exit; its config folder removed. */
  stop(): Promise<void>;
}

export interface LiveKitOptions {
  /** The first of three free ports: HTTP/WebSocket, ICE-TCP, the single UDP port for media. */
  basePort: number;
  /** Put in front of the binary (`taskset -c 0`), to pin it. */
  launcher?: string[];
  env?: Record<string, string>;
}

/**
 * LiveKit at its defaults for a one-to-many room, with what RECIPES.md found it needs here: one
 * UDP port for all media (plus ICE-TCP), no external IP discovery, 127.0.0.1 announced,
 * loopback candidates on; an API key of its own. Resolves once it answers HTTP.
 */
export async function startLiveKitServer(bin: string, { basePort, launcher = [], env = {} }: LiveKitOptions): Promise<LiveKitServer> {
  const apiKey = `key${randomBytes(4).toString('hex')}`;
  const apiSecret = randomBytes(24).toString('hex');
  const config = [
    `port: ${basePort}`,
    'bind_addresses: ["127.0.0.1"]',
    'rtc:',
    `  tcp_port: ${basePort + 1}`,
    `  udp_port: ${basePort + 2}`,
    '  use_external_ip: false',
    '  node_ip: 127.0.0.1',
    '  enable_loopback_candidate: true',
    'keys:',
    `  ${apiKey}: ${apiSecret}`,
    'logging:',
    '  level: warn',
  ].join('\n');
  const dir = mkdtempSync(join(tmpdir(), 'onair-livekit-'));
  writeFileSync(join(dir, 'livekit.yaml'), config);
  const [command, ...args] = [...launcher, bin, '--config', join(dir, 'livekit.yaml')];
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  child.stdout?.on('data', (d) => (output = (output + d).slice(-4000)));
  child.stderr?.on('data', (d) => (output = (output + d).slice(-4000)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 10_000))]);
      child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const http = `http://127.0.0.1:${basePort}`;
  const deadline = Date.now() + 30_000;
  while (!(await fetch(http).then((r) => r.ok, () => false))) {
    const failure =
      child.exitCode !== null ? `livekit-server exited with ${child.exitCode}` : Date.now() > deadline ? 'livekit-server not answering within 30 s' : '';
    if (failure) {
      await stop();
      throw new Error(`${failure}:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url: `ws://127.0.0.1:${basePort}`, apiKey, apiSecret, config, process: child, stop };
}
