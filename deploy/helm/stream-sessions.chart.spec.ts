// The stream-sessions chart: its gRPC API, its port and who may call it.
import { join } from 'node:path';
import { HELM_DIR, TIMEOUT_MS, helmTemplate, rendered, manifest, kubeconform } from './chart-rendering';
import { describePolicedService } from './chart-expectations';

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

describePolicedService('stream-sessions', {
  rules: { http: ['pod:edge', 'pod:chat', 'pod:sfu-worker', 'ns:monitoring'], grpc: ['pod:discovery', 'pod:ops'] },
  grpcAllowedClients: { set: '{discovery}', peers: ['pod:discovery'] },
  metricsPort: 7103, httpCallers: true, ingressControllerOnceNamed: true, kafka: true, subchart: true,
  autoscaled: { port: 7103, maxReplicas: 6 },
});

