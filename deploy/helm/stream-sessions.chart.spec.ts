// The stream-sessions chart: its gRPC API, its port and who may call it.
import { join } from 'node:path';
import { HELM_DIR, TIMEOUT_MS, helmTemplate, rendered, manifest, kubeconform } from './chart-rendering';
import { expectAutoscaledService, expectNetworkPolicy, networkPolicyRules, expectScrapeAnnotations, expectGlobalKafkaBrokers } from './chart-expectations';

describe('stream-sessions chart: gRPC API', () => {
  const chart = join(HELM_DIR, 'stream-sessions');

  it('serves it on port 7113 of every interface, from the container through the Service, to discovery and ops only', () => {
    const all = rendered(chart);
    const config = manifest(all, 'ConfigMap');
    expect(config).toMatch(/^ {2}GRPC_PORT: "7113"$/m);
    expect(config).toMatch(/^ {2}GRPC_HOST: "0\.0\.0\.0"$/m);
    expect(config).toMatch(/^ {2}GRPC_ALLOWED_CLIENTS: "discovery,ops"$/m);
    expect(manifest(all, 'Deployment')).toMatch(/- name: grpc\n\s+containerPort: 7113\n\s+protocol: TCP\n/);
    expect(manifest(all, 'Service')).toMatch(/- name: grpc\n\s+port: 7113\n\s+targetPort: grpc\n\s+protocol: TCP\n/);
    const custom = rendered(chart, ['--set', 'grpc.allowedClients={discovery,notifications}', '--set', 'containerPorts.grpc=9113', '--set', 'service.ports.grpc=443']);
    expect(manifest(custom, 'ConfigMap')).toMatch(/^ {2}GRPC_ALLOWED_CLIENTS: "discovery,notifications"$/m);
    expect(manifest(custom, 'ConfigMap')).toMatch(/^ {2}GRPC_PORT: "9113"$/m);
    expect(manifest(custom, 'Service')).toMatch(/- name: grpc\n\s+port: 443\n\s+targetPort: grpc\n/);
    expect(kubeconform(custom).summary.invalid).toBe(0);
  }, TIMEOUT_MS);

  it.each([
    ['no allowed client', ['--set', 'grpc.allowedClients=null'], /allowedClients/],
    ['an allowed client that is not a certificate name', ['--set', 'grpc.allowedClients={Discovery Service}'], /allowedClients/],
    ['a privileged container port', ['--set', 'containerPorts.grpc=443'], /containerPorts/],
  ])('values.schema.json refuses %s', (_what, settings, mentions) => {
    const t = helmTemplate(chart, settings);
    expect(t.status).not.toBe(0);
    expect(t.stderr).toMatch(/schema/i);
    expect(t.stderr).toMatch(mentions);
  }, TIMEOUT_MS);

  it('refuses a gRPC port that is the HTTP port', () => {
    const t = helmTemplate(chart, ['--set', 'containerPorts.grpc=7103']);
    expect(t.status).not.toBe(0);
    expect(t.stderr).toMatch(/containerPorts\.grpc \(7103\) must differ from containerPorts\.http/);
  }, TIMEOUT_MS);
});

describe('stream-sessions chart: NetworkPolicy, scraping and the umbrella chart\'s globals', () => {
  const chart = join(HELM_DIR, 'stream-sessions');

  it('admits to each port only its callers, Prometheus\'s namespace to the HTTP port, and no one else', () => {
    expectNetworkPolicy('stream-sessions', rendered(chart), { http: ['pod:edge', 'pod:chat', 'pod:sfu-worker', 'ns:monitoring'], grpc: ['pod:discovery', 'pod:ops'] });
  }, TIMEOUT_MS);

  it('admits the Ingress controller\'s namespace to the HTTP port once named (the edge\'s Ingress routes here directly)', () => {
    const all = rendered(chart, ['--set-json', 'networkPolicy.ingressControllerNamespaceSelector={"matchLabels":{"kubernetes.io/metadata.name":"ingress-nginx"}}']);
    expect(networkPolicyRules(all).http).toEqual(['pod:edge', 'pod:chat', 'pod:sfu-worker', 'ns:monitoring', 'ns:ingress-nginx']);
  }, TIMEOUT_MS);

  it('takes more callers from networkPolicy, and leaves a port with no caller closed rather than open', () => {
    const more = rendered(chart, ['--set', 'networkPolicy.httpCallers={edge,tools}', '--set-json', 'networkPolicy.extraFrom=[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"ops-tools"}}}]']);
    expect(networkPolicyRules(more).http).toEqual(['pod:edge', 'pod:tools', 'ns:monitoring', 'ns:ops-tools']);
    const none = rendered(chart, ['--set-json', 'networkPolicy.httpCallers=[]', '--set', 'networkPolicy.metricsNamespaceSelector=null']);
    expect(networkPolicyRules(none).http).toBeUndefined();
    expect(kubeconform(none).summary.invalid).toBe(0);
  }, TIMEOUT_MS);

  it('admits to the gRPC port exactly the services grpc.allowedClients names', () => {
    expect(networkPolicyRules(rendered(chart, ['--set', 'grpc.allowedClients={discovery}'])).grpc).toEqual(['pod:discovery']);
  }, TIMEOUT_MS);

  it('asks Prometheus to scrape /metrics on the HTTP port', () => {
    expectScrapeAnnotations(rendered(chart), 7103);
  }, TIMEOUT_MS);

  it('takes the Kafka brokers from global.kafka.brokers when set', () => {
    expectGlobalKafkaBrokers(chart);
  }, TIMEOUT_MS);

  it('accepts a global object, as Helm passes it to a subchart', () => {
    expect(helmTemplate(chart, ['--set', 'global.anything=1']).status).toBe(0);
  }, TIMEOUT_MS);
});

describe('stream-sessions chart: scaling', () => {
  it('scales on CPU between min and max pods, with a PDB, and sets no replicas under the HPA', () => {
    expectAutoscaledService(join(HELM_DIR, 'stream-sessions'), { port: 7103, maxReplicas: 6 });
  }, TIMEOUT_MS);
});
