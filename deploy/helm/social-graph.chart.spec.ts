// The social-graph chart: its gRPC API and who may call it.
import { join } from 'node:path';
import { HELM_DIR, TIMEOUT_MS, helmTemplate, rendered, manifest, kubeconform } from './chart-rendering';
import { expectAutoscaledService, expectNetworkPolicy, networkPolicyRules, expectScrapeAnnotations, expectGlobalKafkaBrokers } from './chart-expectations';

describe('social-graph chart: gRPC API', () => {
  const chart = join(HELM_DIR, 'social-graph');

  it('listens on every interface and admits the allowed client services only', () => {
    const config = manifest(rendered(chart), 'ConfigMap');
    expect(config).toMatch(/^ {2}GRPC_HOST: "0\.0\.0\.0"$/m);
    expect(config).toMatch(/^ {2}GRPC_ALLOWED_CLIENTS: "stream-sessions,notifications,discovery"$/m);
    const custom = manifest(rendered(chart, ['--set', 'grpc.allowedClients={stream-sessions}']), 'ConfigMap');
    expect(custom).toMatch(/^ {2}GRPC_ALLOWED_CLIENTS: "stream-sessions"$/m);
  }, TIMEOUT_MS);
});

describe('social-graph chart: NetworkPolicy, scraping and the umbrella chart\'s globals', () => {
  const chart = join(HELM_DIR, 'social-graph');

  it('admits to each port only its callers, Prometheus\'s namespace to the HTTP port, and no one else', () => {
    expectNetworkPolicy('social-graph', rendered(chart), { http: ['pod:edge', 'ns:monitoring'], grpc: ['pod:stream-sessions', 'pod:notifications', 'pod:discovery'] });
  }, TIMEOUT_MS);

  it('admits the Ingress controller\'s namespace to the HTTP port once named (the edge\'s Ingress routes here directly)', () => {
    const all = rendered(chart, ['--set-json', 'networkPolicy.ingressControllerNamespaceSelector={"matchLabels":{"kubernetes.io/metadata.name":"ingress-nginx"}}']);
    expect(networkPolicyRules(all).http).toEqual(['pod:edge', 'ns:monitoring', 'ns:ingress-nginx']);
  }, TIMEOUT_MS);

  it('takes more callers from networkPolicy, and leaves a port with no caller closed rather than open', () => {
    const more = rendered(chart, ['--set', 'networkPolicy.httpCallers={edge,tools}', '--set-json', 'networkPolicy.extraFrom=[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"ops-tools"}}}]']);
    expect(networkPolicyRules(more).http).toEqual(['pod:edge', 'pod:tools', 'ns:monitoring', 'ns:ops-tools']);
    const none = rendered(chart, ['--set-json', 'networkPolicy.httpCallers=[]', '--set', 'networkPolicy.metricsNamespaceSelector=null']);
    expect(networkPolicyRules(none).http).toBeUndefined();
    expect(kubeconform(none).summary.invalid).toBe(0);
  }, TIMEOUT_MS);

  it('admits to the gRPC port exactly the services grpc.allowedClients names', () => {
    expect(networkPolicyRules(rendered(chart, ['--set', 'grpc.allowedClients={stream-sessions}'])).grpc).toEqual(['pod:stream-sessions']);
  }, TIMEOUT_MS);

  it('asks Prometheus to scrape /metrics on the HTTP port', () => {
    expectScrapeAnnotations(rendered(chart), 7102);
  }, TIMEOUT_MS);

  it('takes the Kafka brokers from global.kafka.brokers when set', () => {
    expectGlobalKafkaBrokers(chart);
  }, TIMEOUT_MS);

  it('accepts a global object, as Helm passes it to a subchart', () => {
    expect(helmTemplate(chart, ['--set', 'global.anything=1']).status).toBe(0);
  }, TIMEOUT_MS);
});

describe('social-graph chart: scaling', () => {
  it('scales on CPU between min and max pods, with a PDB, and sets no replicas under the HPA', () => {
    expectAutoscaledService(join(HELM_DIR, 'social-graph'), { port: 7102, maxReplicas: 6 });
  }, TIMEOUT_MS);
});
