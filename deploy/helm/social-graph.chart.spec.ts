// The social-graph chart: its gRPC API and who may call it.
import { join } from 'node:path';
import { HELM_DIR, TIMEOUT_MS, rendered, manifest } from './chart-rendering';
import { describePolicedService } from './chart-expectations';

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

describePolicedService('social-graph', {
  rules: { http: ['pod:edge', 'ns:monitoring'], grpc: ['pod:stream-sessions', 'pod:notifications', 'pod:discovery'] },
  grpcAllowedClients: { set: '{stream-sessions}', peers: ['pod:stream-sessions'] },
  metricsPort: 7102, httpCallers: true, ingressControllerOnceNamed: true, kafka: true, subchart: true,
  autoscaled: { port: 7102, maxReplicas: 6 },
});

