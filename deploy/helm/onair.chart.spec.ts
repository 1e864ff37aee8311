// The umbrella chart: one release installs every service under its own name, with the
// operator's Kafka, PostgreSQL and Elasticsearch wired into each; ci/*-values.yaml (what ct lint
// and CI render) lint and validate. The checks every chart passes are in all-charts.spec.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { HELM_DIR, TIMEOUT_MS, buildableChart, describeRun, kubeconform, rendered, run, tool } from './chart-rendering';

const chart = join(HELM_DIR, 'onair');
const SERVICES = ['identity', 'social-graph', 'stream-sessions', 'sfu-worker', 'chat', 'discovery', 'notifications', 'ops', 'edge', 'web'];
const WITH_DATABASE = ['identity', 'social-graph', 'stream-sessions', 'chat', 'notifications', 'ops'];
const KAFKA_CLIENTS = ['identity', 'social-graph', 'stream-sessions', 'sfu-worker', 'chat', 'discovery', 'notifications', 'ops'];

type Doc = { kind: string; metadata: { name: string }; data?: Record<string, string>; spec?: any };
const docs = (all: string): Doc[] => parseAllDocuments(all).map((d) => d.toJS()).filter(Boolean);
const byKind = (all: Doc[], kind: string) => all.filter((d) => d.kind === kind);
const env = (deployment: Doc) => deployment.spec.template.spec.containers[0].env as Array<{ name: string; value?: string; valueFrom?: any }>;

describe('onair umbrella chart', () => {
  it('depends on every service chart, each with a <name>.enabled condition', () => {
    const deps = parse(readFileSync(join(chart, 'Chart.yaml'), 'utf8')).dependencies;
    expect(deps.map((d: { name: string }) => d.name).sort()).toEqual([...SERVICES].sort());
    for (const d of deps) expect(d).toMatchObject({ repository: `file://../${d.name}`, condition: `${d.name}.enabled` });
  });

  it.each(['default', 'production'])('ci/%s-values.yaml passes helm lint --strict and kubeconform', (name) => {
    const file = join(chart, 'ci', `${name}-values.yaml`);
    const lint = run(tool('ONAIR_HELM_BIN'), ['lint', '--strict', buildableChart(chart), '-f', file]);
    if (lint.status !== 0) throw new Error(describeRun(lint));
    const { run: k, summary } = kubeconform(rendered(chart, ['-f', file]));
    if (k.status !== 0) throw new Error(describeRun(k));
    expect(summary).toMatchObject({ invalid: 0, errors: 0, skipped: 0 });
  }, TIMEOUT_MS);

  it('names every service\'s resources after the service, so the charts\' in-cluster URLs hold', () => {
    const all = docs(rendered(chart));
    expect(byKind(all, 'Service').map((s) => s.metadata.name).sort()).toEqual([...SERVICES].sort());
    expect(byKind(all, 'Deployment').map((s) => s.metadata.name).sort()).toEqual([...SERVICES].sort());
  }, TIMEOUT_MS);

  it('gives every Kafka client global.kafka.brokers and discovery global.elasticsearch', () => {
    const all = docs(rendered(chart, [
      '--set-string', 'global.kafka.brokers=b-1.kafka:9092\\,b-2.kafka:9092',
      '--set', 'global.elasticsearch.urlSecret.name=es-url', '--set', 'global.elasticsearch.urlSecret.key=url',
    ]));
    const configMaps = byKind(all, 'ConfigMap').filter((c) => KAFKA_CLIENTS.includes(c.metadata.name));
    expect(configMaps).toHaveLength(KAFKA_CLIENTS.length);
    for (const cm of configMaps) {
      expect({ name: cm.metadata.name, brokers: cm.data!.KAFKA_BROKERS }).toEqual({ name: cm.metadata.name, brokers: 'b-1.kafka:9092,b-2.kafka:9092' });
    }
    const discovery = byKind(all, 'Deployment').find((d) => d.metadata.name === 'discovery')!;
    expect(env(discovery).find((e) => e.name === 'ELASTICSEARCH_URL')?.valueFrom).toEqual({ secretKeyRef: { name: 'es-url', key: 'url' } });
  }, TIMEOUT_MS);

  it('reads each service\'s DATABASE_URL from its own Secret', () => {
    const deployments = byKind(docs(rendered(chart)), 'Deployment');
    for (const svc of WITH_DATABASE) {
      const d = deployments.find((x) => x.metadata.name === svc)!;
      expect({ svc, ref: env(d).find((e) => e.name === 'DATABASE_URL')?.valueFrom }).toEqual({ svc, ref: { secretKeyRef: { name: `onair-${svc}-db`, key: 'url' } } });
    }
  }, TIMEOUT_MS);

  it('helm test requests each enabled service through the edge; <name>.enabled=true is accepted', () => {
    const testPaths = (args: string[]) => {
      const pod = byKind(docs(rendered(chart, args)), 'Pod').find((p) => p.metadata.name === 'ci-test-through-the-edge');
      const vars = Object.fromEntries((pod?.spec.containers[0].env ?? []).map((e: { name: string; value: string }) => [e.name, e.value]));
      return { url: vars.EDGE_URL, paths: (vars.TEST_PATHS ?? '').split(',') };
    };
    const apis = ['identity', 'social-graph', 'stream-sessions', 'chat', 'discovery', 'notifications', 'ops'].map((s) => `/openapi/${s}.json`);
    expect(testPaths(['--set', 'identity.enabled=true'])).toEqual({ url: 'http://edge:8080', paths: ['/readyz', ...apis, '/'] });
    expect(testPaths(['--set', 'chat.enabled=false', '--set', 'web.enabled=false']).paths).toEqual(['/readyz', ...apis.filter((a) => !a.includes('chat'))]);
  }, TIMEOUT_MS);

  it('leaves a service out with <name>.enabled=false', () => {
    const all = docs(rendered(chart, ['--set', 'web.enabled=false']));
    expect(byKind(all, 'Deployment').map((d) => d.metadata.name)).not.toContain('web');
    expect(byKind(all, 'Deployment')).toHaveLength(SERVICES.length - 1);
  }, TIMEOUT_MS);
});
