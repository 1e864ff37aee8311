// Every chart under deploy/helm must lint strictly, render to manifests that the Kubernetes
// schemas accept, and refuse bad values; the services that talk gRPC must do it over mutual TLS.
// Each chart's own settings are checked in its <chart>.chart.spec.ts.
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT, HELM_DIR, KUBE_VERSION, TIMEOUT_MS, tool, run, describeRun, findCharts, buildableChart, requiredValues, helmTemplate, rendered, manifest, kubeconform } from './chart-rendering';
import { TLS_ENV, expectTlsMounted } from './chart-expectations';

const charts = existsSync(HELM_DIR) ? findCharts(HELM_DIR) : [];

describe('helm charts', () => {
  it('finds at least one chart under deploy/helm', () => {
    expect(charts.length).toBeGreaterThan(0);
  });

  // describe.each refuses an empty table; the test above reports that case.
  if (charts.length === 0) return;

  describe.each(charts.map((c): [string, string] => [relative(REPO_ROOT, c), c]))('%s', (_name, chart) => {
    it('passes helm lint --strict', () => {
      const r = run(tool('ONAIR_HELM_BIN'), ['lint', '--strict', buildableChart(chart), ...requiredValues(chart)]);
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

    // Services listen on loopback unless HTTP_HOST is set; a pod must be reachable by its Service.
    it('makes the service listen on every interface of its pod', () => {
      expect(manifest(rendered(chart), 'ConfigMap')).toMatch(/^ {2}HTTP_HOST: "0\.0\.0\.0"$/m);
    }, TIMEOUT_MS);
  });
});

describe.each([
  ['social-graph', /serves its gRPC API over mutual TLS only/],
  ['stream-sessions', /calls social-graph's gRPC API and serves its own over mutual TLS only/],
  ['discovery', /calls social-graph's and stream-sessions' gRPC APIs over mutual TLS only/],
  ['notifications', /calls social-graph's gRPC API over mutual TLS only/],
  ['ops', /calls stream-sessions' gRPC API over mutual TLS only/],
])('%s chart: mutual TLS between services', (name, why) => {
  const chart = join(HELM_DIR, name);

  it('refuses to render without internalTls.secretName, saying why', () => {
    const t = helmTemplate(chart, ['--set', 'internalTls.secretName=']);
    expect(t.status).not.toBe(0);
    expect(t.stderr).toMatch(/internalTls\.secretName is required/);
    expect(t.stderr).toMatch(why);
  }, TIMEOUT_MS);

  it('mounts the named TLS Secret and points INTERNAL_TLS_* at its files', () => {
    const all = rendered(chart, ['--set', 'internalTls.secretName=my-tls']);
    for (const env of TLS_ENV) expect(manifest(all, 'ConfigMap')).toMatch(env);
    expectTlsMounted(manifest(all, 'Deployment'), 'my-tls');
    expect(kubeconform(all).summary.invalid).toBe(0);
  }, TIMEOUT_MS);
});
