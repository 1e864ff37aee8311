// Expectations on rendered manifests shared by the chart specs: that a chart sets every
// variable its service declares, that it wires the internal mutual-TLS Secret in, and how a
// stateless service scales and stops.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, kubeconform, manifest, rendered } from './chart-rendering';

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
  terminationGracePeriodSeconds: number;
  preStopSleepSeconds: number;
}

/**
 * A stateless service's chart: an HPA on CPU (70 %) from 2 to `maxReplicas` pods, a PDB of one
 * pod, probes on /healthz and /readyz, the preStop sleep and grace period, the http port; with
 * autoscaling off, a fixed replica count and a percentage PDB, valid for kubeconform.
 */
export function expectAutoscaledService(chart: string, s: AutoscaledService): void {
  const all = rendered(chart);
  const hpa = manifest(all, 'HorizontalPodAutoscaler');
  expect(hpa).toMatch(new RegExp(`minReplicas: 2\\n\\s+maxReplicas: ${s.maxReplicas}\\n`));
  expect(hpa).toMatch(/name: cpu\n\s+target:\n\s+type: Utilization\n\s+averageUtilization: 70\n/);
  expect(manifest(all, 'PodDisruptionBudget')).toMatch(/^ {2}maxUnavailable: 1$/m);
  const deployment = manifest(all, 'Deployment');
  expect(deployment).not.toMatch(/^ {2}replicas:/m);
  expect(deployment).toMatch(new RegExp(`terminationGracePeriodSeconds: ${s.terminationGracePeriodSeconds}\\n`));
  expect(deployment).toMatch(new RegExp(`preStop:\\n\\s+sleep:\\n\\s+seconds: ${s.preStopSleepSeconds}\\n`));
  expect(deployment).toMatch(/startupProbe:\n\s+httpGet:\n\s+path: \/healthz\n\s+port: http\n/);
  expect(deployment).toMatch(/livenessProbe:\n\s+httpGet:\n\s+path: \/healthz\n\s+port: http\n/);
  expect(deployment).toMatch(/readinessProbe:\n\s+httpGet:\n\s+path: \/readyz\n\s+port: http\n/);
  expect(deployment).toMatch(new RegExp(`- name: http\\n\\s+containerPort: ${s.port}\\n\\s+protocol: TCP\\n`));
  expect(manifest(all, 'Service')).toMatch(new RegExp(`- name: http\\n\\s+port: ${s.port}\\n\\s+targetPort: http\\n`));
  const fixed = rendered(chart, ['--set', 'autoscaling.enabled=false', '--set', 'replicaCount=3', '--set', 'podDisruptionBudget.maxUnavailable=25%']);
  expect(fixed).not.toMatch(/kind: HorizontalPodAutoscaler/);
  expect(manifest(fixed, 'Deployment')).toMatch(/^ {2}replicas: 3$/m);
  expect(manifest(fixed, 'PodDisruptionBudget')).toMatch(/^ {2}maxUnavailable: "25%"$/m);
  expect(kubeconform(fixed).summary.invalid).toBe(0);
}
