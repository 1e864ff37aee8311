// The edge chart: its operators' port, its trusted proxies, and the routes it serves to each service.
import { join } from 'node:path';
import { HELM_DIR, TIMEOUT_MS, helmTemplate, rendered, manifest, kubeconform } from './chart-rendering';
import { describePolicedService } from './chart-expectations';

describe('edge chart: operators\' port', () => {
  const chart = join(HELM_DIR, 'edge');

  it('serves /metrics and the detailed /readyz on the internal port, on no Service', () => {
    const all = rendered(chart, ['--set', 'ingress.enabled=true']);
    const config = manifest(all, 'ConfigMap');
    expect(config).toMatch(/^ {2}EDGE_INTERNAL_PORT: "8081"$/m);
    expect(config).toMatch(/^ {2}EDGE_INTERNAL_HOST: "0\.0\.0\.0"$/m);
    expect(manifest(all, 'Deployment')).toMatch(/- name: internal\n\s+containerPort: 8081\n/);
    expect(manifest(all, 'Service')).not.toMatch(/internal|8081/);
    expect(manifest(all, 'Ingress')).not.toMatch(/internal|8081/);
  }, TIMEOUT_MS);

  it('trusts the named proxies only, and never every address', () => {
    expect(manifest(rendered(chart), 'ConfigMap')).toMatch(/^ {2}EDGE_TRUSTED_PROXIES: ""$/m);
    const some = manifest(rendered(chart, ['--set', 'config.trustedProxies={10.0.0.0/8,fd00:42::/48}']), 'ConfigMap');
    expect(some).toMatch(/^ {2}EDGE_TRUSTED_PROXIES: "10\.0\.0\.0\/8,fd00:42::\/48"$/m);
    for (const all of ['0.0.0.0/0', '::/0']) {
      const t = helmTemplate(chart, ['--set', `config.trustedProxies={${all}}`]);
      expect(t.status).not.toBe(0);
      expect(t.stderr).toMatch(/trustedProxies/);
    }
  }, TIMEOUT_MS);

  it('sizes its shared cache well inside the memory limit, and takes identity\'s keys from its services unless told', () => {
    const all = rendered(chart);
    const config = manifest(all, 'ConfigMap');
    expect(config).toMatch(/^ {2}EDGE_SHARED_CACHE_MB: "64"$/m);
    expect(config).toMatch(/^ {2}EDGE_SHARED_CACHE_MAX_ENTRY_MB: "8"$/m);
    expect(config).toMatch(/^ {2}EDGE_SHARED_CACHE_MAX_TTL_SECONDS: "30"$/m);
    expect(config).not.toMatch(/EDGE_JWKS_URL/);
    expect(config).toMatch(/\\"identity\\":\\"http:\/\/identity:/);
    const limit = /limits:\n\s+cpu: "?[\dm]+"?\n\s+memory: (\d+)Mi/.exec(manifest(all, 'Deployment'));
    expect(Number(limit?.[1])).toBeGreaterThanOrEqual(64 + 150);
    const told = manifest(rendered(chart, ['--set', 'config.jwksUrl=http://identity.auth:7101/.well-known/jwks.json', '--set', 'config.sharedCache.maxMB=0']), 'ConfigMap');
    expect(told).toMatch(/^ {2}EDGE_JWKS_URL: "http:\/\/identity\.auth:7101\/\.well-known\/jwks\.json"$/m);
    expect(told).toMatch(/^ {2}EDGE_SHARED_CACHE_MB: "0"$/m);
    expect(helmTemplate(chart, ['--set', 'config.sharedCache.maxEntryMB=0']).status).not.toBe(0);
  }, TIMEOUT_MS);
});

describe('edge chart: broadcasts', () => {
  it('routes /v1/broadcasts to stream-sessions and leaves /v1/sfu to the SFU pods\' own signalling URLs', () => {
    const config = manifest(rendered(join(HELM_DIR, 'edge')), 'ConfigMap');
    expect(config).toMatch(/EDGE_SERVICES: ".*\\"stream-sessions\\":\\"http:\/\/stream-sessions:7103\\"/);
    expect(config).toMatch(/EDGE_ROUTES: ".*\\"\/v1\/broadcasts\\":\\"stream-sessions\\"/);
    expect(config).not.toMatch(/\/v1\/sfu/);
  }, TIMEOUT_MS);
});

describe('edge chart: chat', () => {
  const chart = join(HELM_DIR, 'edge');

  it('routes /v1/chat to chat, and leaves it out of its Ingress when chat\'s Ingress serves it', () => {
    const config = manifest(rendered(chart), 'ConfigMap');
    expect(config).toMatch(/EDGE_SERVICES: ".*\\"chat\\":\\"http:\/\/chat:7105\\"/);
    expect(config).toMatch(/EDGE_ROUTES: ".*\\"\/v1\/chat\\":\\"chat\\"/);
    expect(manifest(rendered(chart, ['--set', 'ingress.enabled=true']), 'Ingress')).toMatch(/- path: "\/v1\/chat"\n(.*\n){3}\s+name: chat\n\s+port:\n\s+number: 7105\n/);
    const excluded = rendered(chart, ['--set', 'ingress.enabled=true', '--set', 'ingress.excludeRoutes={/v1/chat}']);
    expect(manifest(excluded, 'Ingress')).not.toMatch(/\/v1\/chat/);
    expect(manifest(excluded, 'Ingress')).toMatch(/- path: "\/v1\/graph"/);
    expect(manifest(excluded, 'ConfigMap')).toMatch(/\\"\/v1\/chat\\":\\"chat\\"/);
    const typo = helmTemplate(chart, ['--set', 'ingress.enabled=true', '--set', 'ingress.excludeRoutes={/v1/chta}']);
    expect(typo.status).not.toBe(0);
    expect(typo.stderr).toMatch(/ingress\.excludeRoutes: \/v1\/chta is not a route of config\.routes/);
  }, TIMEOUT_MS);
});

describe('edge chart: discovery', () => {
  const chart = join(HELM_DIR, 'edge');

  it('routes /v1/discovery to discovery, through the edge and its Ingress', () => {
    const config = manifest(rendered(chart), 'ConfigMap');
    expect(config).toMatch(/EDGE_SERVICES: ".*\\"discovery\\":\\"http:\/\/discovery:7106\\"/);
    expect(config).toMatch(/EDGE_ROUTES: ".*\\"\/v1\/discovery\\":\\"discovery\\"/);
    const all = rendered(chart, ['--set', 'ingress.enabled=true']);
    expect(manifest(all, 'Ingress')).toMatch(/- path: "\/v1\/discovery"\n(.*\n){3}\s+name: discovery\n\s+port:\n\s+number: 7106\n/);
    expect(kubeconform(all).summary.invalid).toBe(0);
  }, TIMEOUT_MS);
});

describe('edge chart: notifications', () => {
  const chart = join(HELM_DIR, 'edge');

  it('routes /v1/notifications to notifications, through the edge and its Ingress', () => {
    const config = manifest(rendered(chart), 'ConfigMap');
    expect(config).toMatch(/EDGE_SERVICES: ".*\\"notifications\\":\\"http:\/\/notifications:7107\\"/);
    expect(config).toMatch(/EDGE_ROUTES: ".*\\"\/v1\/notifications\\":\\"notifications\\"/);
    const all = rendered(chart, ['--set', 'ingress.enabled=true']);
    expect(manifest(all, 'Ingress')).toMatch(/- path: "\/v1\/notifications"\n(.*\n){3}\s+name: notifications\n\s+port:\n\s+number: 7107\n/);
    expect(kubeconform(all).summary.invalid).toBe(0);
  }, TIMEOUT_MS);
});

describe('edge chart: ops', () => {
  const chart = join(HELM_DIR, 'edge');

  it('routes /v1/reports and /v1/ops to ops, through the edge and its Ingress', () => {
    const config = manifest(rendered(chart), 'ConfigMap');
    expect(config).toMatch(/EDGE_SERVICES: ".*\\"ops\\":\\"http:\/\/ops:7108\\"/);
    const all = rendered(chart, ['--set', 'ingress.enabled=true']);
    for (const prefix of ['/v1/reports', '/v1/ops']) {
      expect(config).toMatch(new RegExp(`EDGE_ROUTES: ".*\\\\"${prefix.replace(/\//g, '\\/')}\\\\":\\\\"ops\\\\"`));
      expect(manifest(all, 'Ingress')).toMatch(new RegExp(`- path: "${prefix.replace(/\//g, '\\/')}"\n(.*\n){3}\\s+name: ops\n\\s+port:\n\\s+number: 7108\n`));
    }
    expect(kubeconform(all).summary.invalid).toBe(0);
  }, TIMEOUT_MS);
});

// The public port takes anyone; only Prometheus (and extraFrom) reach the operators' port.
describePolicedService('edge', {
  rules: { http: 'anyone', internal: ['ns:monitoring'] },
  withExtraFrom: { http: 'anyone', internal: ['ns:monitoring', 'ns:ops-tools'] },
  metricsPort: 8081,
  autoscaled: { port: 8080, maxReplicas: 10 },
});

describe('edge chart: its Ingress and the catch-all route', () => {
  it('sends "/" to the edge only, which routes pages on to web and keeps its own paths reachable', () => {
    const ingress = manifest(rendered(join(HELM_DIR, 'edge'), ['--set', 'ingress.enabled=true']), 'Ingress');
    expect(ingress.match(/- path: "?\/"?\n/g)).toHaveLength(1);
    expect(ingress).toMatch(/- path: \/\n\s+pathType: Prefix\n\s+backend:\n\s+service:\n\s+name: ci-edge\n/);
    expect(ingress).not.toMatch(/name: web\n/);
  }, TIMEOUT_MS);
});
