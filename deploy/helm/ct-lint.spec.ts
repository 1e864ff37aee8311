// chart-testing's `ct lint` over every chart (Chart.yaml against ct's schema, yamllint on
// Chart.yaml and values.yaml, `helm lint` with each ci/*-values.yaml), and each chart rendered
// with its production-like ci/production-values.yaml through kubeconform. ct comes from
// tools/lib/helm-tools.sh (ensure_helm_tools): its config files sit in etc/ beside the binary and
// the yamllint/yamale it runs by name in bin/.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { REPO_ROOT, HELM_DIR, describeRun, findCharts, helmTemplate, kubeconform, tool } from './chart-rendering';

const CT_TIMEOUT_MS = 240_000;
const charts = findCharts(HELM_DIR);

describe('ct lint', () => {
  it('lints every chart under deploy/helm with each of its ci values files, without an error', () => {
    const ct = tool('ONAIR_CT_BIN');
    const home = dirname(ct);
    // ct runs helm, yamllint and yamale by name.
    const path = [join(home, 'bin'), dirname(tool('ONAIR_HELM_BIN')), process.env.PATH].join(':');
    const r = spawnSync(ct, [
      'lint', '--all', '--chart-dirs', relative(REPO_ROOT, HELM_DIR),
      '--validate-maintainers=false', '--check-version-increment=false',
      '--chart-yaml-schema', join(home, 'etc', 'chart_schema.yaml'),
      '--lint-conf', join(home, 'etc', 'lintconf.yaml'),
    ], { cwd: REPO_ROOT, env: { ...process.env, PATH: path }, encoding: 'utf8', timeout: CT_TIMEOUT_MS - 10_000, maxBuffer: 64 * 1024 * 1024 });
    if (r.error) throw r.error;
    const run = { status: r.status, stdout: r.stdout, stderr: r.stderr };
    if (r.status !== 0) throw new Error(`ct lint failed\n${describeRun(run)}`);
    expect(r.stdout).toMatch(/All charts linted successfully/);
    for (const chart of charts) {
      const name = basename(chart);
      expect({ chart: name, linted: r.stdout.includes(`✔︎ ${name} => `) }).toEqual({ chart: name, linted: true });
      for (const file of ['default', 'production'].map((v) => join(chart, 'ci', `${v}-values.yaml`)).filter(existsSync)) {
        expect(r.stdout).toContain(`Linting chart with values file "${relative(REPO_ROOT, file)}"`);
      }
    }
  }, CT_TIMEOUT_MS);

  it.each([
    'identity', 'social-graph', 'stream-sessions', 'chat', 'discovery', 'notifications', 'ops', 'edge', 'web',
  ])('%s has default and production-like ci values files for ct', (name) => {
    for (const v of ['default', 'production']) expect(existsSync(join(HELM_DIR, name, 'ci', `${v}-values.yaml`))).toBe(true);
  });
});

describe.each(charts.filter((c) => existsSync(join(c, 'ci', 'production-values.yaml'))).map((c) => [basename(c), c]))(
  '%s chart with ci/production-values.yaml',
  (_name, chart) => {
    it('renders manifests that kubeconform -strict accepts', () => {
      const t = helmTemplate(chart, ['-f', join(chart, 'ci', 'production-values.yaml')]);
      if (t.status !== 0) throw new Error(`helm template failed\n${describeRun(t)}`);
      const { run, summary } = kubeconform(t.stdout);
      if (run.status !== 0) throw new Error(`kubeconform refused the manifests\n${describeRun(run)}`);
      expect(summary).toEqual({ valid: expect.any(Number), invalid: 0, errors: 0, skipped: 0 });
      expect(summary.valid).toBeGreaterThan(0);
    }, 120_000);
  },
);
