// The social-graph chart: its gRPC API and who may call it.
import { join } from 'node:path';
import { HELM_DIR, TIMEOUT_MS, rendered, manifest } from './chart-rendering';

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
