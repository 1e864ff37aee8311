// Runs the images `tools/onair images` builds, without Docker (RECIPES.md, "Container images
// without Docker"): `umoci unpack` into a bundle, the host's network namespace (services answer
// on a host port, as PostgreSQL and Kafka do for them), no terminal, `runc run`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@onair/testing';

export const imagesDir = join(repoRoot, '.onair/images');
export const layout = join(imagesDir, 'oci');
const nodeBin = join(process.env.HOME ?? '/root', '.cache/onair/node-24.21.0/bin');

function completed(cmd: string, args: string[], env: Record<string, string>) {
  const r = spawnSync(cmd, args, { cwd: repoRoot, env: { ...process.env, PATH: `${nodeBin}:${process.env.PATH}`, ...env }, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`.slice(-6000));
  return r;
}

/** Runs a command to completion; its output, stderr after stdout. Throws with it when it fails. */
export function run(cmd: string, args: string[], env: Record<string, string> = {}): string {
  const r = completed(cmd, args, env);
  return `${r.stdout}${r.stderr}`;
}

/** The same, its stdout alone: what a tools/ function prints as its answer, without the progress lines it writes to stderr. */
export function stdoutOf(cmd: string, args: string[], env: Record<string, string> = {}): string {
  return completed(cmd, args, env).stdout;
}

/** `tools/onair images build <names>`; the digest and compressed size it printed for each. */
export function buildImages(names: string[]): Record<string, { digest: string; size: string }> {
  const out = run(join(repoRoot, 'tools/onair'), ['images', 'build', ...names]);
  const images: Record<string, { digest: string; size: string }> = {};
  for (const m of out.matchAll(/onair\/(\S+)\s+(sha256:[0-9a-f]{64})\s+(\S+) compressed/g)) images[m[1]] = { digest: m[2], size: m[3] };
  return images;
}

interface OciIndex {
  manifests: Array<{ digest: string; annotations?: Record<string, string> }>;
}

const blob = (dir: string, digest: string) => join(dir, 'blobs', ...digest.split(':'));

/** The manifest digest a layout's index names for `tag`. */
export function layoutDigest(dir: string, tag: string): string {
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as OciIndex;
  const m = index.manifests.find((x) => x.annotations?.['org.opencontainers.image.ref.name'] === tag);
  if (!m) throw new Error(`no tag ${tag} in ${dir}`);
  return m.digest;
}

export interface ImageConfig {
  User: string;
  Entrypoint: string[];
  ExposedPorts: Record<string, object>;
  Env: string[];
  WorkingDir: string;
}

/** The image's runtime config (user, entrypoint, ports, env) from the layout. */
export function imageConfig(tag: string): ImageConfig {
  const manifest = JSON.parse(readFileSync(blob(layout, layoutDigest(layout, tag)), 'utf8')) as { config: { digest: string } };
  return (JSON.parse(readFileSync(blob(layout, manifest.config.digest), 'utf8')) as { config: ImageConfig }).config;
}

export interface RunningContainer {
  id: string;
  rootfs: string;
  process: ChildProcess;
  output: () => string;
  /** Host pids of the container's processes (`runc ps`). */
  pids: () => number[];
  stop: () => Promise<void>;
}

/**
 * Unpacks `tag` and starts it under runc with `env` added to the image's own; `args` replaces
 * the entrypoint when given. `mounts` are read-only bind mounts (host path → container path).
 */
export function runImage(tag: string, id: string, env: Record<string, string>, opts: { args?: string[]; mounts?: Record<string, string> } = {}): RunningContainer {
  const bundle = join(imagesDir, 'bundles', id);
  rmSync(bundle, { recursive: true, force: true });
  mkdirSync(join(imagesDir, 'bundles'), { recursive: true });
  run('umoci', ['unpack', '--image', `${layout}:${tag}`, bundle]);
  const configPath = join(bundle, 'config.json');
  const config = JSON.parse(readFileSync(configPath, 'utf8'));
  config.process.terminal = false;
  config.process.env = [...config.process.env, ...Object.entries(env).map(([k, v]) => `${k}=${v}`)];
  if (opts.args) config.process.args = opts.args;
  config.linux.namespaces = config.linux.namespaces.filter((n: { type: string }) => n.type !== 'network');
  for (const [source, destination] of Object.entries(opts.mounts ?? {})) {
    config.mounts.push({ source, destination, type: 'bind', options: ['rbind', 'ro'] });
  }
  writeFileSync(configPath, JSON.stringify(config));
  const child = spawn('runc', ['run', '-b', bundle, id], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output = (output + d).slice(-6000)));
  child.stderr!.on('data', (d) => (output = (output + d).slice(-6000)));
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  return {
    id,
    rootfs: join(bundle, 'rootfs'),
    process: child,
    output: () => output,
    pids: () => JSON.parse(run('runc', ['ps', '--format', 'json', id]) || '[]') as number[],
    stop: async () => {
      if (!exited()) {
        spawnSync('runc', ['kill', id, 'TERM']);
        const killed = setTimeout(() => spawnSync('runc', ['kill', '--all', id, 'KILL']), 10_000);
        await new Promise((r) => (exited() ? r(null) : child.once('exit', r)));
        clearTimeout(killed);
      }
      spawnSync('runc', ['delete', '-f', id]);
      if (existsSync(bundle)) rmSync(bundle, { recursive: true, force: true });
    },
  };
}

/** The uid a host process runs as (the real uid, from /proc/<pid>/status). */
export function uidOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('Uid:'));
  return Number(line?.split(/\s+/)[1]);
}

export const commandOf = (pid: number): string => readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');

/** Polls `url` until it answers 200 (or the container exits). */
export async function waitReady(c: RunningContainer, url: string, timeoutMs = 90_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (c.process.exitCode !== null) throw new Error(`${c.id} exited with ${c.process.exitCode}:\n${c.output()}`);
    const res = await fetch(url).catch(() => undefined);
    if (res?.status === 200) return res;
    if (Date.now() > deadline) throw new Error(`${url} not 200 within ${timeoutMs / 1000} s:\n${c.output()}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}
