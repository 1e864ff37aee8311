// The Prometheus adapter rules shipped in deploy/helm/onair/prometheus-adapter-values.yaml must
// serve every custom and external metric the umbrella's HPAs ask for, with the labels they
// select by: an HPA whose metric the adapter does not serve never scales on it, silently.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { HELM_DIR, TIMEOUT_MS, rendered } from './chart-rendering';

interface Rule {
  seriesQuery: string;
  resources: { overrides?: Record<string, { resource: string }>; namespaced?: boolean };
  name: { matches: string; as: string };
  metricsQuery: string;
}
interface MetricSpec {
  type: string;
  pods?: { metric: { name: string; selector?: { matchLabels?: Record<string, string> } } };
  external?: { metric: { name: string; selector?: { matchLabels?: Record<string, string> } } };
}

const adapter = parse(readFileSync(join(HELM_DIR, 'onair', 'prometheus-adapter-values.yaml'), 'utf8'));

// The metric a rule serves: name.as, or the series name when it only matches.
const served = (rules: Rule[]) => new Map(rules.map((r) => [r.name.as || /^(\w+)/.exec(r.seriesQuery)![1], r]));
// The labels a rule's answer keeps, i.e. what an HPA may select by.
const groupedBy = (r: Rule) => /by \(([^)]*)\)/.exec(r.metricsQuery)![1].split(',').map((l) => l.trim());

function renderedHpaMetrics(): MetricSpec[] {
  const all = rendered(join(HELM_DIR, 'onair'), [
    '--set', 'notifications.autoscaling.kafkaLag.enabled=true',
    '--set', 'discovery.autoscaling.kafkaLag.enabled=true',
  ]);
  return parseAllDocuments(all)
    .map((d) => d.toJS())
    .filter((d) => d?.kind === 'HorizontalPodAutoscaler')
    .flatMap((h) => h.spec.metrics as MetricSpec[]);
}

describe('onair chart: Prometheus adapter rules', () => {
  const custom = served(adapter.rules.custom);
  const external = served(adapter.rules.external);

  it('is values for the prometheus-adapter chart: rules.custom and rules.external, each rule complete', () => {
    for (const r of [...adapter.rules.custom, ...adapter.rules.external] as Rule[]) {
      expect(r).toEqual({ seriesQuery: expect.any(String), resources: expect.any(Object), name: { matches: expect.any(String), as: expect.any(String) }, metricsQuery: expect.stringContaining('<<.Series>>{<<.LabelMatchers>>}') });
      expect(r.seriesQuery).toContain(r.name.as);
    }
    expect(adapter.prometheus).toEqual({ url: expect.stringMatching(/^https?:\/\//), port: expect.any(Number) });
  });

  it('serves sfu_load_ratio per pod and kafka_consumergroup_lag by consumer group, across namespaces', () => {
    const load = custom.get('sfu_load_ratio')!;
    expect(load.resources.overrides).toEqual({ namespace: { resource: 'namespace' }, pod: { resource: 'pod' } });
    expect(groupedBy(load)).toEqual(['<<.GroupBy>>']);
    const lag = external.get('kafka_consumergroup_lag')!;
    expect(lag.resources.namespaced).toBe(false);
    expect(groupedBy(lag)).toEqual(['consumergroup']);
  });

  it('names every Pods and External metric the rendered HPAs use, with the labels they select', () => {
    const metrics = renderedHpaMetrics();
    const pods = metrics.filter((m) => m.type === 'Pods').map((m) => m.pods!.metric);
    const ext = metrics.filter((m) => m.type === 'External').map((m) => m.external!.metric);
    // sfu-worker's load, and the lag of notifications' and discovery's groups.
    expect(pods.map((m) => m.name)).toContain('sfu_load_ratio');
    expect(ext.length).toBeGreaterThanOrEqual(2);
    for (const m of pods) expect(custom.has(m.name)).toBe(true);
    for (const m of ext) {
      const rule = external.get(m.name);
      expect(rule).toBeDefined();
      for (const label of Object.keys(m.selector?.matchLabels ?? {})) expect(groupedBy(rule!)).toContain(label);
    }
    expect(ext.map((m) => m.selector?.matchLabels?.consumergroup)).toEqual(expect.arrayContaining(['notifications.fanout', 'discovery.lifecycle']));
  }, TIMEOUT_MS);
});
