// The identity chart: the password-hash budget and the sign-in limits it passes.
import { join } from 'node:path';
import { HELM_DIR, TIMEOUT_MS, helmTemplate, rendered, manifest, kubeconform } from './chart-rendering';
import { expectAutoscaledService, expectNetworkPolicy, networkPolicyRules, expectScrapeAnnotations, expectGlobalKafkaBrokers } from './chart-expectations';

describe('identity chart: password hashing and sign-in limits', () => {
  const chart = join(HELM_DIR, 'identity');

  it('passes the hash budget and the sign-in limits', () => {
    const config = manifest(rendered(chart), 'ConfigMap');
    for (const line of [
      'PASSWORD_HASH_MEMORY_BUDGET_MB: "256"',
      'PASSWORD_HASH_MAX_WAIT_MS: "2000"',
      'PASSWORD_HASH_MAX_WAITING: "32"',
      'SIGN_IN_MAX_FAILURES_PER_ACCOUNT_AND_IP: "5"',
      'SIGN_IN_MAX_FAILURES_PER_ACCOUNT: "100"',
      'SIGN_IN_MAX_FAILURES_PER_IP: "50"',
      'SIGN_IN_KNOWN_IP_DAYS: "30"',
    ]) {
      expect(config).toContain(`\n  ${line}\n`);
    }
  }, TIMEOUT_MS);

  it('refuses a hash budget that cannot hold one hash', () => {
    const t = helmTemplate(chart, ['--set', 'auth.passwordHashMemoryBudgetMb=100']);
    expect(t.status).not.toBe(0);
    expect(t.stderr).toMatch(/passwordHashMemoryBudgetMb \(100\) must hold at least one hash: 128 MiB/);
  }, TIMEOUT_MS);
});

describe('identity chart: NetworkPolicy, scraping and the umbrella chart\'s globals', () => {
  const chart = join(HELM_DIR, 'identity');

  it('admits to each port only its callers, Prometheus\'s namespace to the HTTP port, and no one else', () => {
    expectNetworkPolicy('identity', rendered(chart), { http: ['pod:edge', 'pod:social-graph', 'pod:stream-sessions', 'pod:chat', 'pod:discovery', 'pod:notifications', 'pod:ops', 'ns:monitoring'] });
  }, TIMEOUT_MS);

  it('admits the Ingress controller\'s namespace to the HTTP port once named (the edge\'s Ingress routes here directly)', () => {
    const all = rendered(chart, ['--set-json', 'networkPolicy.ingressControllerNamespaceSelector={"matchLabels":{"kubernetes.io/metadata.name":"ingress-nginx"}}']);
    expect(networkPolicyRules(all).http).toEqual(['pod:edge', 'pod:social-graph', 'pod:stream-sessions', 'pod:chat', 'pod:discovery', 'pod:notifications', 'pod:ops', 'ns:monitoring', 'ns:ingress-nginx']);
  }, TIMEOUT_MS);

  it('takes more callers from networkPolicy, and leaves a port with no caller closed rather than open', () => {
    const more = rendered(chart, ['--set', 'networkPolicy.httpCallers={edge,tools}', '--set-json', 'networkPolicy.extraFrom=[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"ops-tools"}}}]']);
    expect(networkPolicyRules(more).http).toEqual(['pod:edge', 'pod:tools', 'ns:monitoring', 'ns:ops-tools']);
    const none = rendered(chart, ['--set-json', 'networkPolicy.httpCallers=[]', '--set', 'networkPolicy.metricsNamespaceSelector=null']);
    expect(networkPolicyRules(none).http).toBeUndefined();
    expect(kubeconform(none).summary.invalid).toBe(0);
  }, TIMEOUT_MS);

  it('asks Prometheus to scrape /metrics on the HTTP port', () => {
    expectScrapeAnnotations(rendered(chart), 7101);
  }, TIMEOUT_MS);

  it('takes the Kafka brokers from global.kafka.brokers when set', () => {
    expectGlobalKafkaBrokers(chart);
  }, TIMEOUT_MS);

  it('accepts a global object, as Helm passes it to a subchart', () => {
    expect(helmTemplate(chart, ['--set', 'global.anything=1']).status).toBe(0);
  }, TIMEOUT_MS);
});

describe('identity chart: scaling', () => {
  const chart = join(HELM_DIR, 'identity');
  const SHARED_AVATARS = ['--set', 'avatars.persistentVolumeClaim=identity-avatars'];

  it('runs one pod, without HPA or PDB, by default: avatars on the default emptyDir are per pod', () => {
    const all = rendered(chart);
    expect(all).not.toMatch(/kind: (HorizontalPodAutoscaler|PodDisruptionBudget)/);
    expect(manifest(all, 'Deployment')).toMatch(/^ {2}replicas: 1$/m);
  }, TIMEOUT_MS);

  it('refuses more than one pod without a shared avatars claim, saying why', () => {
    for (const setting of ['autoscaling.enabled=true', 'replicaCount=2']) {
      const t = helmTemplate(chart, ['--set', setting]);
      expect(t.status).not.toBe(0);
      expect(t.stderr).toMatch(/more than one identity pod .* needs avatars\.persistentVolumeClaim/);
    }
  }, TIMEOUT_MS);

  it('scales on CPU between min and max pods, with a PDB, once avatars are on a shared claim', () => {
    expectAutoscaledService(chart, { port: 7101, maxReplicas: 6, values: ['--set', 'autoscaling.enabled=true', ...SHARED_AVATARS] });
  }, TIMEOUT_MS);
});
