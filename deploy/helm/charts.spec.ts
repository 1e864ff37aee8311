// Every chart under deploy/helm must lint strictly, render to manifests that the Kubernetes
// schemas accept, and refuse bad values. The tools come from tools/lib/helm-tools.sh
// (ensure_helm_tools); when they are missing the tests fail rather than skip, so a green run
// always means the charts were really checked.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '..', '..');
const HELM_DIR = __dirname;
const KUBE_VERSION = '1.34.0';
const TIMEOUT_MS = 60_000;
const RELEASE = 'ci';
const ENSURE_HINT =
  'run: source tools/lib/common.sh; source tools/lib/helm-tools.sh; ensure_helm_tools';

type ToolKey = 'ONAIR_HELM_BIN' | 'ONAIR_KUBECONFORM_BIN' | 'ONAIR_K8S_SCHEMA_LOCATION';

interface Run {
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

function tool(key: ToolKey): string {
  const value = process.env[key] || readStateEnv()[key];
  if (!value) throw new Error(`${key} is not set in the environment nor in .onair/env; ${ENSURE_HINT}`);
  if (key !== 'ONAIR_K8S_SCHEMA_LOCATION' && !existsSync(value)) {
    throw new Error(`${key}=${value} does not exist; ${ENSURE_HINT}`);
  }
  return value;
}

function run(bin: string, args: string[], input?: string): Run {
  const r = spawnSync(bin, args, {
    input,
    encoding: 'utf8',
    timeout: TIMEOUT_MS - 5_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`${basename(bin)} ${args.join(' ')}: ${r.error.message}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function describeRun(r: Run): string {
  return `exit ${r.status}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}

// Chart folders (holding a Chart.yaml); a chart's own subcharts are its business, not ours.
function findCharts(dir: string): string[] {
  if (existsSync(join(dir, 'Chart.yaml'))) return [dir];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules')
    .flatMap((e) => findCharts(join(dir, e.name)))
    .sort();
}

function helmTemplate(chart: string, extra: string[] = []): Run {
  return run(tool('ONAIR_HELM_BIN'), [
    'template', RELEASE, chart, '--namespace', 'onair', '--kube-version', KUBE_VERSION, ...extra,
  ]);
}

interface Summary {
  valid: number;
  invalid: number;
  errors: number;
  skipped: number;
}

function kubeconform(manifests: string): { run: Run; summary: Summary } {
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

const charts = existsSync(HELM_DIR) ? findCharts(HELM_DIR) : [];

describe('helm charts', () => {
  it('finds at least one chart under deploy/helm', () => {
    expect(charts.length).toBeGreaterThan(0);
  });

  // describe.each refuses an empty table; the test above reports that case.
  if (charts.length === 0) return;

  describe.each(charts.map((c): [string, string] => [relative(REPO_ROOT, c), c]))('%s', (_name, chart) => {
    it('passes helm lint --strict', () => {
      const r = run(tool('ONAIR_HELM_BIN'), ['lint', '--strict', chart]);
      if (r.status !== 0) throw new Error(`helm lint --strict failed\n${describeRun(r)}`);
      expect(r.stdout).toMatch(/0 chart\(s\) failed/);
    }, TIMEOUT_MS);

    it(`renders manifests that kubeconform -strict accepts for Kubernetes ${KUBE_VERSION}`, () => {
      const t = helmTemplate(chart);
      if (t.status !== 0) throw new Error(`helm template failed\n${describeRun(t)}`);
      const { run: k, summary } = kubeconform(t.stdout);
      if (k.status !== 0) throw new Error(`kubeconform refused the manifests\n${describeRun(k)}`);
      expect(summary).toEqual({ valid: expect.any(Number), invalid: 0, errors: 0, skipped: 0 });
      expect(summary.valid).toBeGreaterThan(0);
    }, TIMEOUT_MS);

    it('kubeconform refuses a rendered manifest with an unknown field', () => {
      const t = helmTemplate(chart);
      if (t.status !== 0) throw new Error(`helm template failed\n${describeRun(t)}`);
      const broken = t.stdout.replace(/^metadata:\n/m, 'metadata:\n  notAField: true\n');
      expect(broken).not.toEqual(t.stdout);
      const { run: k, summary } = kubeconform(broken);
      expect(k.status).not.toBe(0);
      expect(summary.invalid).toBe(1);
    }, TIMEOUT_MS);

    it.each([
      ['a wrong type', 'replicaCount=notanumber', /replicaCount/],
      ['an unknown top-level key', 'notAValue=1', /notAValue/],
    ])('values.schema.json refuses %s', (_what, setting, mentions) => {
      const t = helmTemplate(chart, ['--set', setting]);
      expect(t.status).not.toBe(0);
      expect(t.stderr).toMatch(/schema/i);
      expect(t.stderr).toMatch(mentions);
    }, TIMEOUT_MS);
  });
});

describe('sfu-worker chart: relaying between SFU pods', () => {
  const chart = join(HELM_DIR, 'sfu-worker');

  it('passes the shared relay secret from the named Secret, and only when one is named', () => {
    const on = helmTemplate(chart, ['--set', 'relay.existingSecret=sfu-relay']);
    if (on.status !== 0) throw new Error(`helm template failed\n${describeRun(on)}`);
    expect(on.stdout).toMatch(/- name: SFU_RELAY_SECRET\n\s+valueFrom:\n\s+secretKeyRef:\n\s+name: sfu-relay\n\s+key: secret/);
    expect(on.stdout).toMatch(/SFU_RELAY_MIN_PORT: "41000"/);
    expect(kubeconform(on.stdout).summary.invalid).toBe(0);
    const off = helmTemplate(chart);
    expect(off.stdout).not.toMatch(/SFU_RELAY_SECRET/);
  }, TIMEOUT_MS);
});
