// Renders the charts under deploy/helm with helm and checks manifests with kubeconform, for the
// chart specs. The tools come from tools/lib/helm-tools.sh (ensure_helm_tools); when they are
// missing the specs fail rather than skip, so a green run always means the charts were really
// checked.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const HELM_DIR = __dirname;
export const KUBE_VERSION = '1.34.0';
export const TIMEOUT_MS = 60_000;
const RELEASE = 'ci';
const ENSURE_HINT =
  'run: source tools/lib/common.sh; source tools/lib/helm-tools.sh; ensure_helm_tools';

type ToolKey = 'ONAIR_HELM_BIN' | 'ONAIR_KUBECONFORM_BIN' | 'ONAIR_K8S_SCHEMA_LOCATION' | 'ONAIR_CT_BIN';

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

// KEY=VALUE lines written by env_set in tools/lib/common.sh.
function readStateEnv(): Record<string, string> {
  const state = process.env.ONAIR_STATE || join(REPO_ROOT, '.onair');
  const file = join(state, 'env');
  if (!existsSync(file)) return {};
  const entries: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) entries[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return entries;
}

export function tool(key: ToolKey): string {
  const value = process.env[key] || readStateEnv()[key];
  if (!value) throw new Error(`${key} is not set in the environment nor in .onair/env; ${ENSURE_HINT}`);
  if (key !== 'ONAIR_K8S_SCHEMA_LOCATION' && !existsSync(value)) {
    throw new Error(`${key}=${value} does not exist; ${ENSURE_HINT}`);
  }
  return value;
}

export function run(bin: string, args: string[], input?: string): Run {
  const r = spawnSync(bin, args, {
    input,
    encoding: 'utf8',
    timeout: TIMEOUT_MS - 5_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`${basename(bin)} ${args.join(' ')}: ${r.error.message}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function describeRun(r: Run): string {
  return `exit ${r.status}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}

// Chart folders (holding a Chart.yaml); a chart's own subcharts are its business, not ours.
export function findCharts(dir: string): string[] {
  if (existsSync(join(dir, 'Chart.yaml'))) return [dir];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules')
    .flatMap((e) => findCharts(join(dir, e.name)))
    .sort();
}

// Settings a chart refuses to render without (`required` in its templates), as an operator must
// give them; every render and lint starts from these. A later `--set` overrides them.
const REQUIRED_VALUES: Record<string, string[]> = {
  'social-graph': ['--set', 'internalTls.secretName=social-graph-tls'],
  'stream-sessions': ['--set', 'internalTls.secretName=stream-sessions-tls'],
  discovery: ['--set', 'internalTls.secretName=discovery-tls'],
  notifications: ['--set', 'internalTls.secretName=notifications-tls'],
  ops: ['--set', 'internalTls.secretName=ops-tls'],
};

export function requiredValues(chart: string): string[] {
  return REQUIRED_VALUES[basename(chart)] ?? [];
}

// A chart with dependencies (the umbrella) renders only once `helm dependency build` has packaged
// them into its charts/. Jest runs suites in parallel and that command empties charts/ while it
// works, so it runs on a copy of deploy/helm's charts (file://../<name> still resolves) in the
// temporary folder, named by a hash of their files: processes share one build per content, and
// a changed chart gets a new one. Charts without dependencies are used where they are.
function chartFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && !/(^|\/)(charts|tmpcharts[^/]*)$/.test(e.parentPath.slice(dir.length)))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

export function buildableChart(chart: string): string {
  if (!/^dependencies:/m.test(readFileSync(join(chart, 'Chart.yaml'), 'utf8'))) return chart;
  const charts = resolve(chart, '..');
  const files = findCharts(charts).flatMap(chartFiles);
  const hash = createHash('sha256');
  for (const f of files) hash.update(`${f}\0`).update(readFileSync(f));
  const dir = join(tmpdir(), `onair-helm-${hash.digest('hex').slice(0, 16)}`);
  const target = join(dir, basename(chart));
  if (existsSync(join(dir, '.built'))) return target;
  const work = mkdtempSync(`${dir}.`);
  for (const f of files) cpSync(f, join(work, f.slice(charts.length)));
  const r = run(tool('ONAIR_HELM_BIN'), ['dependency', 'build', join(work, basename(chart))]);
  if (r.status !== 0) throw new Error(`helm dependency build ${chart} failed\n${describeRun(r)}`);
  writeFileSync(join(work, '.built'), '');
  // Another process may have published the same build meanwhile: either copy is right.
  try {
    renameSync(work, dir);
  } catch {
    rmSync(work, { recursive: true, force: true });
  }
  return target;
}

export function helmTemplate(chart: string, extra: string[] = []): Run {
  return run(tool('ONAIR_HELM_BIN'), [
    'template', RELEASE, buildableChart(chart), '--namespace', 'onair', '--kube-version', KUBE_VERSION, ...requiredValues(chart), ...extra,
  ]);
}

export function rendered(chart: string, extra: string[] = []): string {
  const t = helmTemplate(chart, extra);
  if (t.status !== 0) throw new Error(`helm template failed\n${describeRun(t)}`);
  return t.stdout;
}

// One rendered document by kind (the charts render one of each kind they use).
export function manifest(all: string, kind: string): string {
  const doc = all.split(/^---$/m).find((d) => new RegExp(`^kind: ${kind}$`, 'm').test(d));
  if (!doc) throw new Error(`no ${kind} in the rendered manifests`);
  return doc;
}

export interface Summary {
  valid: number;
  invalid: number;
  errors: number;
  skipped: number;
}

export function kubeconform(manifests: string): { run: Run; summary: Summary } {
  const r = run(
    tool('ONAIR_KUBECONFORM_BIN'),
    [
      '-strict', '-summary',
      '-kubernetes-version', KUBE_VERSION,
      '-schema-location', tool('ONAIR_K8S_SCHEMA_LOCATION'),
    ],
    manifests,
  );
  // "Summary: 4 resources found parsing stdin - Valid: 4, Invalid: 0, Errors: 0, Skipped: 0"
  const m = /Valid: (\d+), Invalid: (\d+), Errors: (\d+), Skipped: (\d+)/.exec(r.stdout);
  if (!m) throw new Error(`kubeconform printed no summary\n${describeRun(r)}`);
  const n = (i: number): number => Number(m[i]);
  return { run: r, summary: { valid: n(1), invalid: n(2), errors: n(3), skipped: n(4) } };
}
