// The web chart: the edge's server with no route of its own serving the client's build, and the
// edge chart sending it every page by its catch-all route.
import { join } from 'node:path';
import { loadConfig } from '../../services/edge/src/config';
import { HELM_DIR, TIMEOUT_MS, helmTemplate, rendered, manifest } from './chart-rendering';
import { describePolicedService } from './chart-expectations';

/** The ConfigMap's data as the environment the container gets. */
function envOf(all: string): Record<string, string> {
  const data = manifest(all, 'ConfigMap').split(/^data:\n/m)[1];
  return Object.fromEntries([...data.matchAll(/^ {2}([A-Z_]+): "(.*)"$/gm)].map(([, k, v]) => [k, JSON.parse(`"${v}"`) as string]));
}

describe('web chart: the client behind the edge', () => {
  const chart = join(HELM_DIR, 'web');

  it('gives the server no route and its build folder, which the edge reads as a client-only server', () => {
    const env = envOf(rendered(chart, ['--set', 'config.cspConnectSrc={wss://*.sfu.example.org}']));
    expect(env).toMatchObject({ EDGE_SERVICES: '{}', EDGE_ROUTES: '{}', EDGE_WEB_ROOT: '/srv/web', EDGE_CSP_CONNECT_SRC: 'wss://*.sfu.example.org', HTTP_HOST: '0.0.0.0' });
    const config = loadConfig(env);
    expect(config.routes).toEqual([]);
    expect(config.webClient).toEqual({ root: '/srv/web', required: true });
    expect(config.cspConnectSources).toEqual(['wss://*.sfu.example.org']);
  }, TIMEOUT_MS);

  it('refuses a connect-src source that could end the directive, and a relative build folder', () => {
    for (const bad of [['config.cspConnectSrc={wss://x.example.org; script-src *}'], ['config.webRoot=srv/web']]) {
      const t = helmTemplate(chart, ['--set', bad[0]]);
      expect(t.status).not.toBe(0);
      expect(t.stderr).toMatch(/values don't meet the specifications of the schema/);
    }
  }, TIMEOUT_MS);

  it('is where the edge chart sends every page: its catch-all route', () => {
    const env = envOf(rendered(join(HELM_DIR, 'edge')));
    const config = loadConfig(env);
    const catchAll = config.routes.find((r) => r.prefix === '/');
    expect([catchAll?.service, catchAll?.target.origin]).toEqual(['web', 'http://web:8080']);
    // The API keeps its own routes (the longest prefix wins).
    expect(config.routes.find((r) => r.prefix === '/v1/broadcasts')?.service).toBe('stream-sessions');
  }, TIMEOUT_MS);
});

// The edge alone calls web; Prometheus scrapes the operators' port, which nothing else reaches.
describePolicedService('web', {
  rules: { http: ['pod:edge'], internal: ['ns:monitoring'] },
  withExtraFrom: { http: ['pod:edge', 'ns:ops-tools'], internal: ['ns:monitoring'] },
  metricsPort: 8081,
  autoscaled: { port: 8080, maxReplicas: 4 },
});
