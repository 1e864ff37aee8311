// Expectations on rendered manifests shared by the chart specs: that a chart sets every
// variable its service declares, that it wires the internal mutual-TLS Secret in, how a
// stateless service scales and stops, and who its NetworkPolicy lets in; and describePolicedService,
// the tests those charts share, written once and parameterised by what differs per chart.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, HELM_DIR, TIMEOUT_MS, helmTemplate, kubeconform, manifest, rendered } from './chart-rendering';

// Every variable a service's config.ts declares: the ones it names, plus those of the shared
// shapes it spreads from libs/config (`...kafkaEnv`, `...listenEnv(7106)`). A shape that cannot
// be found fails, so a variable is never left out unseen.
function declaredEnv(service: string): string[] {
  const source = readFileSync(join(REPO_ROOT, 'services', service, 'src', 'config.ts'), 'utf8');
  const shared = readFileSync(join(REPO_ROOT, 'libs', 'config', 'src', 'common-env.ts'), 'utf8');
  const names = (text: string): string[] => [...text.matchAll(/^\s+([A-Z][A-Z0-9_]+): /gm)].map((m) => m[1]);
  const spread = [...source.matchAll(/^\s+\.\.\.(\w+Env)\b/gm)].flatMap((m) => {
    const at = shared.indexOf(`export const ${m[1]} =`);
    if (at < 0) throw new Error(`services/${service}/src/config.ts spreads ${m[1]}, which libs/config/src/common-env.ts does not export`);
    const end = shared.indexOf('\nexport ', at + 1);
    return names(shared.slice(at, end < 0 ? undefined : end));
  });
  return [...new Set([...names(source), ...spread])];
}

// Variables the rendered manifests set: ConfigMap data keys and container env names.
export function setEnv(all: string): Set<string> {
  return new Set([...all.matchAll(/^ {2}([A-Z][A-Z0-9_]+): /gm), ...all.matchAll(/- name: ([A-Z][A-Z0-9_]+)\n/g)].map((m) => m[1]));
}

export function expectEveryVariableSet(service: string, all: string, mustDeclare: string[]): void {
  const declared = declaredEnv(service);
  for (const name of mustDeclare) expect({ name, declared: declared.includes(name) }).toEqual({ name, declared: true });
  const set = setEnv(all);
  for (const name of declared) expect({ name, set: set.has(name) }).toEqual({ name, set: true });
}

export const TLS_ENV = [
  /^ {2}INTERNAL_TLS_CA: \/etc\/onair\/tls\/ca\.crt$/m,
  /^ {2}INTERNAL_TLS_CERT: \/etc\/onair\/tls\/tls\.crt$/m,
  /^ {2}INTERNAL_TLS_KEY: \/etc\/onair\/tls\/tls\.key$/m,
];

// The Deployment mounts the named TLS Secret read-only where INTERNAL_TLS_* point, with
// exactly the three keys cert-manager writes.
export function expectTlsMounted(deployment: string, secretName: string): void {
  expect(deployment).toContain(['- name: internal-tls', '  mountPath: /etc/onair/tls', '  readOnly: true'].map((l) => `            ${l}\n`).join(''));
  const volume = [
    '- name: internal-tls',
    '  secret:',
    `    secretName: "${secretName}"`,
    '    defaultMode: 0440',
    '    items:',
    ...['ca.crt', 'tls.crt', 'tls.key'].flatMap((key) => [`      - key: ${key}`, `        path: ${key}`]),
  ];
  expect(deployment).toContain(volume.map((l) => `        ${l}\n`).join(''));
}

export interface AutoscaledService {
  /** The container's and the Service's http port. */
  port: number;
  maxReplicas: number;
  /** Default 2. */
  minReplicas?: number;
  /** Charts with graceful termination (a preStop sleep before SIGTERM) give both. */
  terminationGracePeriodSeconds?: number;
  preStopSleepSeconds?: number;
  /** Values every render needs besides the chart's required ones (e.g. to turn the HPA on). */
  values?: string[];
}

/**
 * A stateless service's chart: an HPA on CPU (70 %) from `minReplicas` to `maxReplicas` pods, a
 * Deployment without `replicas` (so an upgrade never fights the HPA), a PDB of one pod, probes on
 * /healthz and /readyz, the preStop sleep and grace period, the http port; with autoscaling off,
 * a fixed replica count and a percentage PDB, valid for kubeconform, and no PDB for one pod.
 */
export function expectAutoscaledService(chart: string, s: AutoscaledService): void {
  const values = s.values ?? [];
  const all = rendered(chart, values);
  const hpa = manifest(all, 'HorizontalPodAutoscaler');
  expect(hpa).toMatch(/^apiVersion: autoscaling\/v2$/m);
  expect(hpa).toMatch(/scaleTargetRef:\n\s+apiVersion: apps\/v1\n\s+kind: Deployment\n/);
  expect(hpa).toMatch(new RegExp(`minReplicas: ${s.minReplicas ?? 2}\\n\\s+maxReplicas: ${s.maxReplicas}\\n`));
  expect(hpa).toMatch(/name: cpu\n\s+target:\n\s+type: Utilization\n\s+averageUtilization: 70\n/);
  expect(manifest(all, 'PodDisruptionBudget')).toMatch(/^ {2}maxUnavailable: 1$/m);
  const deployment = manifest(all, 'Deployment');
  expect(deployment).not.toMatch(/^ {2}replicas:/m);
  if (s.terminationGracePeriodSeconds !== undefined) {
    expect(deployment).toMatch(new RegExp(`terminationGracePeriodSeconds: ${s.terminationGracePeriodSeconds}\\n`));
    expect(deployment).toMatch(new RegExp(`preStop:\\n\\s+sleep:\\n\\s+seconds: ${s.preStopSleepSeconds}\\n`));
  }
  expect(deployment).toMatch(/livenessProbe:\n\s+httpGet:\n\s+path: \/healthz\n\s+port: http\n/);
  expect(deployment).toMatch(/readinessProbe:\n\s+httpGet:\n\s+path: \/readyz\n\s+port: http\n/);
  expect(deployment).toMatch(new RegExp(`- name: http\\n\\s+containerPort: ${s.port}\\n\\s+protocol: TCP\\n`));
  expect(manifest(all, 'Service')).toMatch(new RegExp(`- name: http\\n\\s+port: ${s.port}\\n\\s+targetPort: http\\n`));
  expect(kubeconform(all).summary.invalid).toBe(0);
  const fixedArgs = [...values, '--set', 'autoscaling.enabled=false', '--set', 'podDisruptionBudget.maxUnavailable=25%'];
  const fixed = rendered(chart, [...fixedArgs, '--set', 'replicaCount=3']);
  expect(fixed).not.toMatch(/kind: HorizontalPodAutoscaler/);
  expect(manifest(fixed, 'Deployment')).toMatch(/^ {2}replicas: 3$/m);
  expect(manifest(fixed, 'PodDisruptionBudget')).toMatch(/^ {2}maxUnavailable: "25%"$/m);
  expect(kubeconform(fixed).summary.invalid).toBe(0);
  // One pod: a PDB would protect nothing.
  expect(rendered(chart, [...fixedArgs, '--set', 'replicaCount=1'])).not.toMatch(/kind: PodDisruptionBudget/);
}

/** A NetworkPolicy ingress rule's peers: `pod:<app.kubernetes.io/name>`, `ns:<namespace name>`, or 'anyone'. */
export type Peers = string[] | 'anyone';

// The rendered NetworkPolicy's ingress rules by port name. A rule without `from` admits anyone.
export function networkPolicyRules(all: string): Record<string, Peers> {
  const policy = manifest(all, 'NetworkPolicy');
  const rules: Record<string, Peers> = {};
  for (const rule of policy.split(/^ {4}- ports:\n/m).slice(1)) {
    const port = /^ {8}- port: (\S+)$/m.exec(rule)?.[1] ?? '?';
    if (!/^ {6}from:$/m.test(rule)) {
      rules[port] = 'anyone';
      continue;
    }
    const peers = [...rule.matchAll(/^ +(app\.kubernetes\.io\/name|kubernetes\.io\/metadata\.name): (\S+)$/gm)];
    rules[port] = peers.map((m) => `${m[1].startsWith('app') ? 'pod' : 'ns'}:${m[2]}`);
  }
  return rules;
}

/**
 * The chart's NetworkPolicy selects its own pods, is ingress-only, and admits exactly `rules`
 * (port name → peers; ports not listed take nothing); `networkPolicy.enabled=false` renders none.
 */
export function expectNetworkPolicy(chart: string, all: string, rules: Record<string, Peers>, values: string[] = []): void {
  const policy = manifest(all, 'NetworkPolicy');
  expect(policy).toMatch(new RegExp(`podSelector:\\n\\s+matchLabels:\\n\\s+app\\.kubernetes\\.io/name: ${chart}\\n\\s+app\\.kubernetes\\.io/instance: ci\\n`));
  expect(policy).toMatch(/policyTypes:\n\s+- Ingress\n\s+ingress:/);
  expect(networkPolicyRules(all)).toEqual(rules);
  expect(kubeconform(all).summary.invalid).toBe(0);
  expect(rendered(join(HELM_DIR, chart), [...values, '--set', 'networkPolicy.enabled=false'])).not.toMatch(/kind: NetworkPolicy/);
}

// Prometheus's annotation-based discovery points at the port serving /metrics.
export function expectScrapeAnnotations(all: string, port: number): void {
  const deployment = manifest(all, 'Deployment');
  expect(deployment).toContain(`        prometheus.io/scrape: "true"\n        prometheus.io/port: "${port}"\n        prometheus.io/path: /metrics\n`);
}

// global.kafka.brokers (a string or a list) wins over config.kafkaBrokers; an empty one does not.
export function expectGlobalKafkaBrokers(chart: string, values: string[] = []): void {
  const broker = (extra: string[]): RegExpExecArray | null => /^ {2}KAFKA_BROKERS: "(.*)"$/m.exec(manifest(rendered(chart, [...values, ...extra]), 'ConfigMap'));
  expect(broker(['--set', 'config.kafkaBrokers=local:9092'])?.[1]).toBe('local:9092');
  expect(broker(['--set', 'config.kafkaBrokers=local:9092', '--set', 'global.kafka.brokers=a:9092\\,b:9092'])?.[1]).toBe('a:9092,b:9092');
  expect(broker(['--set', 'config.kafkaBrokers=local:9092', '--set-json', 'global.kafka.brokers=["a:9092","b:9092"]'])?.[1]).toBe('a:9092,b:9092');
  expect(broker(['--set', 'config.kafkaBrokers=local:9092', '--set', 'global.kafka.brokers='])?.[1]).toBe('local:9092');
  expect(broker(['--set', 'config.kafkaBrokers=local:9092', '--set-json', 'global={}'])?.[1]).toBe('local:9092');
}

// With autoscaling.kafkaLag on: one External metric per consumer group (prefixed as the service
// prefixes its groups), kafka-exporter's lag averaged over the pods, beside CPU; off: CPU only.
export function expectKafkaLagMetrics(chart: string, groups: string[], values: string[] = []): void {
  const off = manifest(rendered(chart, values), 'HorizontalPodAutoscaler');
  expect(off).not.toMatch(/type: External/);
  const hpa = (extra: string[]): string => manifest(rendered(chart, [...values, '--set', 'autoscaling.kafkaLag.enabled=true', ...extra]), 'HorizontalPodAutoscaler');
  const metric = (group: string, target: number): string =>
    ['- type: External', '  external:', '    metric:', '      name: kafka_consumergroup_lag', '      selector:', '        matchLabels:',
      `          consumergroup: "${group}"`, '    target:', '      type: AverageValue', `      averageValue: "${target}"`].map((l) => `    ${l}\n`).join('');
  const on = hpa([]);
  expect(on).toMatch(/name: cpu\n\s+target:\n\s+type: Utilization\n/);
  for (const group of groups) expect(on).toContain(metric(group, 1000));
  expect(on.match(/type: External/g)).toHaveLength(groups.length);
  const custom = hpa(['--set', 'autoscaling.kafkaLag.consumerGroups={a.b}', '--set', 'autoscaling.kafkaLag.targetLagPerPod=250', '--set', 'config.kafkaTopicPrefix=t1.']);
  expect(custom).toContain(metric('t1.a.b', 250));
  expect(custom.match(/type: External/g)).toHaveLength(1);
  expect(kubeconform(rendered(chart, [...values, '--set', 'autoscaling.kafkaLag.enabled=true'])).summary.invalid).toBe(0);
}

export interface PolicedService {
  /** Port name → peers the NetworkPolicy admits by default (see expectNetworkPolicy). */
  rules: Record<string, Peers>;
  /** The rules once networkPolicy.extraFrom names the ops-tools namespace, for charts without httpCallers. */
  withExtraFrom?: Record<string, Peers>;
  /** The port Prometheus scrapes /metrics on. */
  metricsPort: number;
  /** networkPolicy.httpCallers, extraFrom and metricsNamespaceSelector shape the http rule (the backend services). */
  httpCallers?: boolean;
  /** networkPolicy.ingressControllerNamespaceSelector opens the http port, the edge's Ingress routing there directly. */
  ingressControllerOnceNamed?: boolean;
  /** grpc.allowedClients also decides who reaches the gRPC port: a setting and the peers it must give. */
  grpcAllowedClients?: { set: string; peers: string[] };
  /** The chart reads global.kafka.brokers. */
  kafka?: boolean;
  /** The chart is a subchart of the umbrella, which hands it a `global` object. */
  subchart?: boolean;
  /** The chart scales as expectAutoscaledService checks, with nothing else to assert about it. */
  autoscaled?: AutoscaledService;
}

const OPS_TOOLS_FROM = ['--set-json', 'networkPolicy.extraFrom=[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"ops-tools"}}}]'];

/**
 * Registers the tests every chart's NetworkPolicy, scraping, globals and scaling share, so each
 * chart spec states only what differs (its callers, ports, options) and keeps its own tests.
 */
export function describePolicedService(name: string, s: PolicedService): void {
  const chart = join(HELM_DIR, name);
  // The title names only what this chart's tests cover.
  const topics = ['NetworkPolicy', 'scraping', ...(s.autoscaled ? ['scaling'] : []), ...(s.kafka || s.subchart ? ["the umbrella chart's globals"] : [])];
  describe(`${name} chart: ${topics.slice(0, -1).join(', ')} and ${topics[topics.length - 1]}`, () => {
    it('admits to each port only its callers, Prometheus\'s namespace to its port, and no one else', () => {
      expectNetworkPolicy(name, rendered(chart), s.rules);
      if (s.withExtraFrom) expect(networkPolicyRules(rendered(chart, OPS_TOOLS_FROM))).toEqual(s.withExtraFrom);
    }, TIMEOUT_MS);

    if (s.ingressControllerOnceNamed) {
      it('admits the Ingress controller\'s namespace to the HTTP port once named (the edge\'s Ingress routes here directly)', () => {
        const all = rendered(chart, ['--set-json', 'networkPolicy.ingressControllerNamespaceSelector={"matchLabels":{"kubernetes.io/metadata.name":"ingress-nginx"}}']);
        expect(networkPolicyRules(all).http).toEqual([...(s.rules.http as string[]), 'ns:ingress-nginx']);
      }, TIMEOUT_MS);
    }

    if (s.httpCallers) {
      it('takes more callers from networkPolicy, and leaves a port with no caller closed rather than open', () => {
        const more = rendered(chart, ['--set', 'networkPolicy.httpCallers={edge,tools}', ...OPS_TOOLS_FROM]);
        expect(networkPolicyRules(more).http).toEqual(['pod:edge', 'pod:tools', 'ns:monitoring', 'ns:ops-tools']);
        const none = rendered(chart, ['--set-json', 'networkPolicy.httpCallers=[]', '--set', 'networkPolicy.metricsNamespaceSelector=null']);
        expect(networkPolicyRules(none).http).toBeUndefined();
        expect(kubeconform(none).summary.invalid).toBe(0);
      }, TIMEOUT_MS);
    }

    const grpc = s.grpcAllowedClients;
    if (grpc) {
      it('admits to the gRPC port exactly the services grpc.allowedClients names', () => {
        expect(networkPolicyRules(rendered(chart, ['--set', `grpc.allowedClients=${grpc.set}`])).grpc).toEqual(grpc.peers);
      }, TIMEOUT_MS);
    }

    it(`asks Prometheus to scrape /metrics on port ${s.metricsPort}`, () => {
      expectScrapeAnnotations(rendered(chart), s.metricsPort);
    }, TIMEOUT_MS);

    if (s.kafka) {
      it('takes the Kafka brokers from global.kafka.brokers when set', () => {
        expectGlobalKafkaBrokers(chart);
      }, TIMEOUT_MS);
    }

    if (s.subchart) {
      it('accepts a global object, as Helm passes it to a subchart', () => {
        expect(helmTemplate(chart, ['--set', 'global.anything=1']).status).toBe(0);
      }, TIMEOUT_MS);
    }

    const autoscaled = s.autoscaled;
    if (autoscaled) {
      it('scales on CPU between min and max pods, with a PDB, and sets no replicas under the HPA', () => {
        expectAutoscaledService(chart, autoscaled);
      }, TIMEOUT_MS);
    }
  });
}
