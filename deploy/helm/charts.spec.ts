// Every chart under deploy/helm must lint strictly, render to manifests that the Kubernetes
// schemas accept, and refuse bad values. The tools come from tools/lib/helm-tools.sh
// (ensure_helm_tools); when they are missing the tests fail rather than skip, so a green run
// always means the charts were really checked.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '..', '..');
const HELM_DIR = __dirname;
const KUBE_VERSION = '1.34.0';
const TIMEOUT_MS = 60_000;
const RELEASE = 'ci';
const ENSURE_HINT =
  'run: source tools/lib/common.sh; source tools/lib/helm-tools.sh; ensure_helm_tools';

type ToolKey = 'ONAIR_HELM_BIN' | 'ONAIR_KUBECONFORM_BIN' | 'ONAIR_K8S_SCHEMA_LOCATION';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

// KEY=VALUE lines written by env_set in tools/lib/common.sh.
function readStateEnv(): Record<string, string> {
  const state = process.env.ONAIR_STATE || join(REPO_ROOT, '.onair');
  const file = join(state, 'env');
  if (!existsSync(file)) return {};
  const entries: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) entries[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return entries;
}

function tool(key: ToolKey): string {
  const value = process.env[key] || readStateEnv()[key];
  if (!value) throw new Error(`${key} is not set in the environment nor in .onair/env; ${ENSURE_HINT}`);
  if (key !== 'ONAIR_K8S_SCHEMA_LOCATION' && !existsSync(value)) {
    throw new Error(`${key}=${value} does not exist; ${ENSURE_HINT}`);
  }
  return value;
}

function run(bin: string, args: string[], input?: string): Run {
  const r = spawnSync(bin, args, {
    input,
    encoding: 'utf8',
    timeout: TIMEOUT_MS - 5_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`${basename(bin)} ${args.join(' ')}: ${r.error.message}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function describeRun(r: Run): string {
  return `exit ${r.status}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}

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
function setEnv(all: string): Set<string> {
  return new Set([...all.matchAll(/^ {2}([A-Z][A-Z0-9_]+): /gm), ...all.matchAll(/- name: ([A-Z][A-Z0-9_]+)\n/g)].map((m) => m[1]));
}

function expectEveryVariableSet(service: string, all: string, mustDeclare: string[]): void {
  const declared = declaredEnv(service);
  for (const name of mustDeclare) expect({ name, declared: declared.includes(name) }).toEqual({ name, declared: true });
  const set = setEnv(all);
  for (const name of declared) expect({ name, set: set.has(name) }).toEqual({ name, set: true });
}

// Chart folders (holding a Chart.yaml); a chart's own subcharts are its business, not ours.
function findCharts(dir: string): string[] {
  if (existsSync(join(dir, 'Chart.yaml'))) return [dir];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules')
    .flatMap((e) => findCharts(join(dir, e.name)))
    .sort();
}

// Settings a chart refuses to render without (`required` in its templates), as an operator must
// give them; every render and lint below starts from these. A later `--set` overrides them.
const REQUIRED_VALUES: Record<string, string[]> = {
  'social-graph': ['--set', 'internalTls.secretName=social-graph-tls'],
  'stream-sessions': ['--set', 'internalTls.secretName=stream-sessions-tls'],
  discovery: ['--set', 'internalTls.secretName=discovery-tls'],
};

function requiredValues(chart: string): string[] {
  return REQUIRED_VALUES[basename(chart)] ?? [];
}

function helmTemplate(chart: string, extra: string[] = []): Run {
  return run(tool('ONAIR_HELM_BIN'), [
    'template', RELEASE, chart, '--namespace', 'onair', '--kube-version', KUBE_VERSION, ...requiredValues(chart), ...extra,
  ]);
}

function rendered(chart: string, extra: string[] = []): string {
  const t = helmTemplate(chart, extra);
  if (t.status !== 0) throw new Error(`helm template failed\n${describeRun(t)}`);
  return t.stdout;
}

// One rendered document by kind (the charts render one of each kind they use).
function manifest(all: string, kind: string): string {
  const doc = all.split(/^---$/m).find((d) => new RegExp(`^kind: ${kind}$`, 'm').test(d));
  if (!doc) throw new Error(`no ${kind} in the rendered manifests`);
  return doc;
}

interface Summary {
  valid: number;
  invalid: number;
  errors: number;
  skipped: number;
}

function kubeconform(manifests: string): { run: Run; summary: Summary } {
  const r = run(
    tool('ONAIR_KUBECONFORM_BIN'),
    [
      '-strict', '-summary',
      '-kubernetes-version', KUBE_VERSION,
      '-schema-location', tool('ONAIR_K8S_SCHEMA_LOCATION'),
    ],
    manifests,
  );
  // "Summary: 4 resources found parsing stdin - Valid: 4, Invalid: 0, Errors: 0, Skipped: 0"
  const m = /Valid: (\d+), Invalid: (\d+), Errors: (\d+), Skipped: (\d+)/.exec(r.stdout);
  if (!m) throw new Error(`kubeconform printed no summary\n${describeRun(r)}`);
  const n = (i: number): number => Number(m[i]);
  return { run: r, summary: { valid: n(1), invalid: n(2), errors: n(3), skipped: n(4) } };
}

const charts = existsSync(HELM_DIR) ? findCharts(HELM_DIR) : [];

describe('helm charts', () => {
  it('finds at least one chart under deploy/helm', () => {
    expect(charts.length).toBeGreaterThan(0);
  });

  // describe.each refuses an empty table; the test above reports that case.
  if (charts.length === 0) return;

  describe.each(charts.map((c): [string, string] => [relative(REPO_ROOT, c), c]))('%s', (_name, chart) => {
    it('passes helm lint --strict', () => {
      const r = run(tool('ONAIR_HELM_BIN'), ['lint', '--strict', chart, ...requiredValues(chart)]);
      if (r.status !== 0) throw new Error(`helm lint --strict failed\n${describeRun(r)}`);
      expect(r.stdout).toMatch(/0 chart\(s\) failed/);
    }, TIMEOUT_MS);

    it(`renders manifests that kubeconform -strict accepts for Kubernetes ${KUBE_VERSION}`, () => {
      const t = helmTemplate(chart);
      if (t.status !== 0) throw new Error(`helm template failed\n${describeRun(t)}`);
      const { run: k, summary } = kubeconform(t.stdout);
      if (k.status !== 0) throw new Error(`kubeconform refused the manifests\n${describeRun(k)}`);
      expect(summary).toEqual({ valid: expect.any(Number), invalid: 0, errors: 0, skipped: 0 });
      expect(summary.valid).toBeGreaterThan(0);
    }, TIMEOUT_MS);

    it('kubeconform refuses a rendered manifest with an unknown field', () => {
      const t = helmTemplate(chart);
      if (t.status !== 0) throw new Error(`helm template failed\n${describeRun(t)}`);
      const broken = t.stdout.replace(/^metadata:\n/m, 'metadata:\n  notAField: true\n');
      expect(broken).not.toEqual(t.stdout);
      const { run: k, summary } = kubeconform(broken);
      expect(k.status).not.toBe(0);
      expect(summary.invalid).toBe(1);
    }, TIMEOUT_MS);

    it.each([
      ['a wrong type', 'replicaCount=notanumber', /replicaCount/],
      ['an unknown top-level key', 'notAValue=1', /notAValue/],
    ])('values.schema.json refuses %s', (_what, setting, mentions) => {
      const t = helmTemplate(chart, ['--set', setting]);
      expect(t.status).not.toBe(0);
      expect(t.stderr).toMatch(/schema/i);
      expect(t.stderr).toMatch(mentions);
    }, TIMEOUT_MS);

    // Services listen on loopback unless HTTP_HOST is set; a pod must be reachable by its Service.
    it('makes the service listen on every interface of its pod', () => {
      expect(manifest(rendered(chart), 'ConfigMap')).toMatch(/^  HTTP_HOST: "0\.0\.0\.0"$/m);
    }, TIMEOUT_MS);
  });
});

const TLS_ENV = [
  /^  INTERNAL_TLS_CA: \/etc\/onair\/tls\/ca\.crt$/m,
  /^  INTERNAL_TLS_CERT: \/etc\/onair\/tls\/tls\.crt$/m,
  /^  INTERNAL_TLS_KEY: \/etc\/onair\/tls\/tls\.key$/m,
];

// The Deployment mounts the named TLS Secret read-only where INTERNAL_TLS_* point, with
// exactly the three keys cert-manager writes.
function expectTlsMounted(deployment: string, secretName: string): void {
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

describe.each([
  ['social-graph', /serves its gRPC API over mutual TLS only/],
  ['stream-sessions', /calls social-graph's gRPC API and serves its own over mutual TLS only/],
  ['discovery', /calls social-graph's and stream-sessions' gRPC APIs over mutual TLS only/],
])('%s chart: mutual TLS between services', (name, why) => {
  const chart = join(HELM_DIR, name);

  it('refuses to render without internalTls.secretName, saying why', () => {
    const t = helmTemplate(chart, ['--set', 'internalTls.secretName=']);
    expect(t.status).not.toBe(0);
    expect(t.stderr).toMatch(/internalTls\.secretName is required/);
    expect(t.stderr).toMatch(why);
  }, TIMEOUT_MS);

  it('mounts the named TLS Secret and points INTERNAL_TLS_* at its files', () => {
    const all = rendered(chart, ['--set', 'internalTls.secretName=my-tls']);
    for (const env of TLS_ENV) expect(manifest(all, 'ConfigMap')).toMatch(env);
    expectTlsMounted(manifest(all, 'Deployment'), 'my-tls');
    expect(kubeconform(all).summary.invalid).toBe(0);
  }, TIMEOUT_MS);
});

describe('social-graph chart: gRPC API', () => {
  const chart = join(HELM_DIR, 'social-graph');

  it('listens on every interface and admits the allowed client services only', () => {
    const config = manifest(rendered(chart), 'ConfigMap');
    expect(config).toMatch(/^  GRPC_HOST: "0\.0\.0\.0"$/m);
    expect(config).toMatch(/^  GRPC_ALLOWED_CLIENTS: "stream-sessions,notifications,discovery"$/m);
    const custom = manifest(rendered(chart, ['--set', 'grpc.allowedClients={stream-sessions}']), 'ConfigMap');
    expect(custom).toMatch(/^  GRPC_ALLOWED_CLIENTS: "stream-sessions"$/m);
  }, TIMEOUT_MS);
});

describe('stream-sessions chart: gRPC API', () => {
  const chart = join(HELM_DIR, 'stream-sessions');

  it('serves it on port 7113 of every interface, from the container through the Service, to discovery only', () => {
    const all = rendered(chart);
    const config = manifest(all, 'ConfigMap');
    expect(config).toMatch(/^  GRPC_PORT: "7113"$/m);
    expect(config).toMatch(/^  GRPC_HOST: "0\.0\.0\.0"$/m);
    expect(config).toMatch(/^  GRPC_ALLOWED_CLIENTS: "discovery"$/m);
    expect(manifest(all, 'Deployment')).toMatch(/- name: grpc\n\s+containerPort: 7113\n\s+protocol: TCP\n/);
    expect(manifest(all, 'Service')).toMatch(/- name: grpc\n\s+port: 7113\n\s+targetPort: grpc\n\s+protocol: TCP\n/);
    const custom = rendered(chart, ['--set', 'grpc.allowedClients={discovery,notifications}', '--set', 'containerPorts.grpc=9113', '--set', 'service.ports.grpc=443']);
    expect(manifest(custom, 'ConfigMap')).toMatch(/^  GRPC_ALLOWED_CLIENTS: "discovery,notifications"$/m);
    expect(manifest(custom, 'ConfigMap')).toMatch(/^  GRPC_PORT: "9113"$/m);
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

describe('edge chart: operators\' port', () => {
  const chart = join(HELM_DIR, 'edge');

  it('serves /metrics and the detailed /readyz on the internal port, on no Service', () => {
    const all = rendered(chart, ['--set', 'ingress.enabled=true']);
    const config = manifest(all, 'ConfigMap');
    expect(config).toMatch(/^  EDGE_INTERNAL_PORT: "8081"$/m);
    expect(config).toMatch(/^  EDGE_INTERNAL_HOST: "0\.0\.0\.0"$/m);
    expect(manifest(all, 'Deployment')).toMatch(/- name: internal\n\s+containerPort: 8081\n/);
    expect(manifest(all, 'Service')).not.toMatch(/internal|8081/);
    expect(manifest(all, 'Ingress')).not.toMatch(/internal|8081/);
  }, TIMEOUT_MS);

  it('trusts the named proxies only, and never every address', () => {
    expect(manifest(rendered(chart), 'ConfigMap')).toMatch(/^  EDGE_TRUSTED_PROXIES: ""$/m);
    const some = manifest(rendered(chart, ['--set', 'config.trustedProxies={10.0.0.0/8,fd00:42::/48}']), 'ConfigMap');
    expect(some).toMatch(/^  EDGE_TRUSTED_PROXIES: "10\.0\.0\.0\/8,fd00:42::\/48"$/m);
    for (const all of ['0.0.0.0/0', '::/0']) {
      const t = helmTemplate(chart, ['--set', `config.trustedProxies={${all}}`]);
      expect(t.status).not.toBe(0);
      expect(t.stderr).toMatch(/trustedProxies/);
    }
  }, TIMEOUT_MS);
});

describe('sfu-worker chart: relaying between SFU pods', () => {
  const chart = join(HELM_DIR, 'sfu-worker');

  it('passes the shared relay secret from the named Secret, and only when one is named', () => {
    const on = helmTemplate(chart, ['--set', 'relay.existingSecret=sfu-relay']);
    if (on.status !== 0) throw new Error(`helm template failed\n${describeRun(on)}`);
    expect(on.stdout).toMatch(/- name: SFU_RELAY_SECRET\n\s+valueFrom:\n\s+secretKeyRef:\n\s+name: sfu-relay\n\s+key: secret/);
    expect(on.stdout).toMatch(/SFU_RELAY_MIN_PORT: "41000"/);
    expect(kubeconform(on.stdout).summary.invalid).toBe(0);
    const off = helmTemplate(chart);
    expect(off.stdout).not.toMatch(/SFU_RELAY_SECRET/);
  }, TIMEOUT_MS);

  it('serves relays over wss with mutual TLS on the relay-tls port when internalTls is named', () => {
    const plain = rendered(chart, ['--set', 'relay.existingSecret=sfu-relay']);
    expect(plain).not.toMatch(/INTERNAL_TLS_|relay-tls|internal-tls/);
    const all = rendered(chart, ['--set', 'relay.existingSecret=sfu-relay', '--set', 'internalTls.secretName=sfu-tls']);
    const config = manifest(all, 'ConfigMap');
    expect(config).toMatch(/^  SFU_RELAY_TLS_PORT: "7114"$/m);
    for (const env of TLS_ENV) expect(config).toMatch(env);
    const deployment = manifest(all, 'Deployment');
    expect(deployment).toMatch(/- name: relay-tls\n\s+containerPort: 7114\n\s+protocol: TCP\n/);
    expectTlsMounted(deployment, 'sfu-tls');
    expect(kubeconform(all).summary.invalid).toBe(0);
  }, TIMEOUT_MS);

  it('refuses a relay TLS port that clashes with the HTTP or media ports', () => {
    for (const port of ['7104', '40001']) {
      const t = helmTemplate(chart, ['--set', `relay.tlsPort=${port}`]);
      expect(t.status).not.toBe(0);
      expect(t.stderr).toMatch(/relay\.tlsPort .* must differ/);
    }
  }, TIMEOUT_MS);
});

describe('chat chart: configuration and scaling', () => {
  const chart = join(HELM_DIR, 'chat');

  // The service's own defaults (services/chat/src/config.ts), plus the addresses it has none for.
  const DEFAULT_ENV = [
    'HTTP_PORT: "7105"',
    'HTTP_HOST: "0.0.0.0"',
    'DATABASE_URL: "postgres://chat@postgres:5432/onair"',
    'DATABASE_SCHEMA: "chat"',
    'KAFKA_BROKERS: "kafka:9092"',
    'KAFKA_TOPIC_PREFIX: ""',
    'KAFKA_TOPIC_PARTITIONS: "6"',
    'LOG_LEVEL: "info"',
    'AUTH_JWKS_URL: "http://identity:7101/.well-known/jwks.json"',
    'MEDIA_TICKET_JWKS_URL: "http://stream-sessions:7103/.well-known/media-jwks.json"',
    'CHAT_PARTITIONS: "64"',
    'CHAT_OPEN_COMMENTERS: "100"',
    'CHAT_MESSAGES_PER_SECOND: "1"',
    'CHAT_MESSAGE_BURST: "5"',
    'CHAT_HEARTS_PER_VIEWER: "500"',
    'CHAT_HEARTS_INTERVAL_MS: "250"',
    'CHAT_PRESENCE_INTERVAL_MS: "2000"',
    'CHAT_JURY_SECONDS: "10"',
    'CHAT_JURY_MUTE_SECONDS: "60"',
  ];

  it('passes every variable with the service\'s defaults, and the pod\'s name as CHAT_POD_ID', () => {
    const all = rendered(chart);
    const config = manifest(all, 'ConfigMap');
    for (const line of DEFAULT_ENV) expect(config).toContain(`\n  ${line}\n`);
    expect(config).not.toMatch(/OTEL_EXPORTER_OTLP_ENDPOINT|CHAT_POD_ID/);
    expect(manifest(all, 'Deployment')).toMatch(/- name: CHAT_POD_ID\n\s+valueFrom:\n\s+fieldRef:\n\s+fieldPath: metadata\.name\n/);
  }, TIMEOUT_MS);

  it('sets every variable services/chat/src/config.ts declares', () => {
    const all = rendered(chart, ['--set', 'config.otlpEndpoint=http://otel-collector:4318']);
    expectEveryVariableSet('chat', all, ['CHAT_PARTITIONS', 'DATABASE_URL', 'HTTP_HOST', 'KAFKA_BROKERS', 'OTEL_EXPORTER_OTLP_ENDPOINT']);
    for (const name of DEFAULT_ENV.map((l) => l.split(':')[0])) expect({ name, set: setEnv(all).has(name) }).toEqual({ name, set: true });
  }, TIMEOUT_MS);

  it('passes the values given, large integers as integers, and DATABASE_URL from a Secret', () => {
    const all = rendered(chart, [
      '--set', 'config.chatPartitions=4096', '--set', 'autoscaling.maxReplicas=1000',
      // JSON numbers are floats to Helm, as in values files (--set makes integers).
      '--set-json', 'config.heartsPerViewer=1000000', '--set-json', 'config.messagesPerSecond=0.5',
      '--set', 'config.databaseUrlSecret.name=chat-db', '--set', 'config.databaseUrlSecret.key=url',
    ]);
    const config = manifest(all, 'ConfigMap');
    expect(config).toMatch(/^ {2}CHAT_PARTITIONS: "4096"$/m);
    expect(config).toMatch(/^ {2}CHAT_HEARTS_PER_VIEWER: "1000000"$/m);
    expect(config).toMatch(/^ {2}CHAT_MESSAGES_PER_SECOND: "0\.5"$/m);
    expect(config).not.toMatch(/DATABASE_URL/);
    expect(manifest(all, 'Deployment')).toMatch(/- name: DATABASE_URL\n\s+valueFrom:\n\s+secretKeyRef:\n\s+name: chat-db\n\s+key: url\n/);
    expect(kubeconform(all).summary.invalid).toBe(0);
  }, TIMEOUT_MS);

  it.each([
    ['config.chatPartitions=0', /chatPartitions/],
    ['config.chatPartitions=10001', /chatPartitions/],
    ['config.messagesPerSecond=0', /messagesPerSecond/],
    ['config.messageBurst=101', /messageBurst/],
    ['config.heartsIntervalMs=10', /heartsIntervalMs/],
    ['config.jurySeconds=601', /jurySeconds/],
    ['config.juryMuteSeconds=86401', /juryMuteSeconds/],
    ['config.databaseSchema=Chat', /databaseSchema/],
    ['config.kafkaTopicPrefix=a/b', /kafkaTopicPrefix/],
    ['config.mediaTicketJwksUrl=stream-sessions:7103', /mediaTicketJwksUrl/],
    ['config.logLevel=trace', /logLevel/],
    ['podDisruptionBudget.maxUnavailable=0', /maxUnavailable/],
    ['ingress.annotations.x=1', /annotations/],
  ])('values.schema.json refuses %s', (setting, mentions) => {
    const t = helmTemplate(chart, ['--set', setting]);
    expect(t.status).not.toBe(0);
    expect(t.stderr).toMatch(/schema/i);
    expect(t.stderr).toMatch(mentions);
  }, TIMEOUT_MS);

  it('refuses fewer room partitions than 4 x the most pods, with or without the HPA', () => {
    for (const settings of [['autoscaling.maxReplicas=17'], ['autoscaling.enabled=false', 'replicaCount=17']]) {
      const t = helmTemplate(chart, settings.flatMap((s) => ['--set', s]));
      expect(t.status).not.toBe(0);
      expect(t.stderr).toMatch(/config\.chatPartitions \(64\) must be at least 4 x the most chat pods \(17/);
    }
    expect(helmTemplate(chart, ['--set', 'autoscaling.maxReplicas=1000', '--set', 'config.chatPartitions=4096']).status).toBe(0);
  }, TIMEOUT_MS);

  it('scales on CPU between min and max pods, with a PDB, and hands sockets on when a pod stops', () => {
    const all = rendered(chart);
    const hpa = manifest(all, 'HorizontalPodAutoscaler');
    expect(hpa).toMatch(/minReplicas: 2\n\s+maxReplicas: 16\n/);
    expect(hpa).toMatch(/name: cpu\n\s+target:\n\s+type: Utilization\n\s+averageUtilization: 70\n/);
    expect(manifest(all, 'PodDisruptionBudget')).toMatch(/^ {2}maxUnavailable: 1$/m);
    const deployment = manifest(all, 'Deployment');
    expect(deployment).not.toMatch(/^ {2}replicas:/m);
    expect(deployment).toMatch(/terminationGracePeriodSeconds: 60\n/);
    expect(deployment).toMatch(/preStop:\n\s+sleep:\n\s+seconds: 10\n/);
    expect(deployment).toMatch(/livenessProbe:\n\s+httpGet:\n\s+path: \/healthz\n\s+port: http\n/);
    expect(deployment).toMatch(/readinessProbe:\n\s+httpGet:\n\s+path: \/readyz\n\s+port: http\n/);
    const fixed = rendered(chart, ['--set', 'autoscaling.enabled=false', '--set', 'replicaCount=3', '--set', 'podDisruptionBudget.maxUnavailable=10%']);
    expect(fixed).not.toMatch(/kind: HorizontalPodAutoscaler/);
    expect(manifest(fixed, 'Deployment')).toMatch(/^ {2}replicas: 3$/m);
    expect(manifest(fixed, 'PodDisruptionBudget')).toMatch(/^ {2}maxUnavailable: "10%"$/m);
    expect(kubeconform(fixed).summary.invalid).toBe(0);
  }, TIMEOUT_MS);

  it('refuses a grace period shorter than the preStop sleep + 30 s', () => {
    const t = helmTemplate(chart, ['--set', 'termination.preStopSleepSeconds=20', '--set', 'termination.terminationGracePeriodSeconds=45']);
    expect(t.status).not.toBe(0);
    expect(t.stderr).toMatch(/terminationGracePeriodSeconds \(45\) must be at least termination\.preStopSleepSeconds \+ 30 \(50\)/);
  }, TIMEOUT_MS);

  it('serves /v1/chat from an Ingress hashing sockets by broadcastId, only when enabled', () => {
    expect(rendered(chart)).not.toMatch(/kind: Ingress/);
    const all = rendered(chart, ['--set', 'ingress.enabled=true', '--set', 'ingress.className=nginx', '--set', 'ingress.host=api.onair.example']);
    const ingress = manifest(all, 'Ingress');
    expect(ingress).toMatch(/nginx\.ingress\.kubernetes\.io\/upstream-hash-by: "?\$arg_broadcastId"?\n/);
    expect(ingress).toMatch(/nginx\.ingress\.kubernetes\.io\/upstream-hash-by-balance-factor: "1\.5"\n/);
    expect(ingress).toMatch(/nginx\.ingress\.kubernetes\.io\/proxy-read-timeout: "3600"\n/);
    expect(ingress).toMatch(/- path: \/v1\/chat\n\s+pathType: Prefix\n\s+backend:\n\s+service:\n\s+name: ci-chat\n\s+port:\n\s+name: http\n/);
    expect(ingress).toMatch(/host: "api\.onair\.example"/);
    expect(kubeconform(all).summary.invalid).toBe(0);
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

describe('discovery chart: configuration and scaling', () => {
  const chart = join(HELM_DIR, 'discovery');

  // The service's own defaults (services/discovery/src/config.ts), plus the addresses it has none
  // for (or only a loopback one) and production's shards and replicas.
  const DEFAULT_ENV = [
    'HTTP_PORT: "7106"',
    'HTTP_HOST: "0.0.0.0"',
    'KAFKA_BROKERS: "kafka:9092"',
    'KAFKA_TOPIC_PREFIX: ""',
    'KAFKA_TOPIC_PARTITIONS: "6"',
    'AUTH_JWKS_URL: "http://identity:7101/.well-known/jwks.json"',
    'ELASTICSEARCH_URL: "http://elasticsearch:9200"',
    'DISCOVERY_INDEX_PREFIX: "discovery-"',
    'DISCOVERY_SHARDS: "3"',
    'DISCOVERY_REPLICAS: "1"',
    'DISCOVERY_ENDED_RETENTION_SECONDS: "172800"',
    'DISCOVERY_GONE_RETENTION_SECONDS: "3600"',
    'DISCOVERY_PURGE_INTERVAL_SECONDS: "300"',
    'SOCIAL_GRAPH_GRPC_URL: "social-graph:7112"',
    'STREAM_SESSIONS_GRPC_URL: "stream-sessions:7113"',
    'GRPC_TIMEOUT_MS: "2000"',
    'LOG_LEVEL: "info"',
  ];

  it('passes every variable with the service\'s defaults (production\'s shards and replicas), and the pod\'s name as DISCOVERY_POD_ID', () => {
    const all = rendered(chart);
    const config = manifest(all, 'ConfigMap');
    for (const line of DEFAULT_ENV) expect(config).toContain(`\n  ${line}\n`);
    for (const env of TLS_ENV) expect(config).toMatch(env);
    expect(config).not.toMatch(/OTEL_EXPORTER_OTLP_ENDPOINT|PROTO_DIR|DISCOVERY_POD_ID/);
    expect(manifest(all, 'Deployment')).toMatch(/- name: DISCOVERY_POD_ID\n\s+valueFrom:\n\s+fieldRef:\n\s+fieldPath: metadata\.name\n/);
  }, TIMEOUT_MS);

  it('sets every variable services/discovery/src/config.ts declares', () => {
    const all = rendered(chart, ['--set', 'config.otlpEndpoint=http://otel-collector:4318', '--set', 'config.protoDir=/app/proto']);
    expectEveryVariableSet('discovery', all, [
      'HTTP_PORT', 'INTERNAL_TLS_KEY', 'KAFKA_TOPIC_PREFIX', 'LOG_LEVEL', 'ELASTICSEARCH_URL', 'DISCOVERY_REPLICAS', 'STREAM_SESSIONS_GRPC_URL', 'DISCOVERY_POD_ID', 'PROTO_DIR',
    ]);
    for (const name of DEFAULT_ENV.map((l) => l.split(':')[0])) expect({ name, set: setEnv(all).has(name) }).toEqual({ name, set: true });
    expect(manifest(all, 'ConfigMap')).toMatch(/^ {2}PROTO_DIR: "\/app\/proto"$/m);
  }, TIMEOUT_MS);

  it('passes the values given, large integers as integers, and ELASTICSEARCH_URL from a Secret', () => {
    const all = rendered(chart, [
      // JSON numbers are floats to Helm, as in values files (--set makes integers).
      '--set-json', 'config.endedRetentionSeconds=2592000', '--set', 'config.shards=12', '--set', 'config.replicas=0',
      '--set', 'config.indexPrefix=onair.discovery-', '--set', 'config.streamSessionsGrpcUrl=stream-sessions.onair.svc:443',
      '--set', 'config.elasticsearchUrlSecret.name=discovery-es', '--set', 'config.elasticsearchUrlSecret.key=url',
    ]);
    const config = manifest(all, 'ConfigMap');
    expect(config).toMatch(/^ {2}DISCOVERY_ENDED_RETENTION_SECONDS: "2592000"$/m);
    expect(config).toMatch(/^ {2}DISCOVERY_SHARDS: "12"$/m);
    expect(config).toMatch(/^ {2}DISCOVERY_REPLICAS: "0"$/m);
    expect(config).toMatch(/^ {2}DISCOVERY_INDEX_PREFIX: "onair\.discovery-"$/m);
    expect(config).toMatch(/^ {2}STREAM_SESSIONS_GRPC_URL: "stream-sessions\.onair\.svc:443"$/m);
    expect(config).not.toMatch(/ELASTICSEARCH_URL/);
    expect(manifest(all, 'Deployment')).toMatch(/- name: ELASTICSEARCH_URL\n\s+valueFrom:\n\s+secretKeyRef:\n\s+name: discovery-es\n\s+key: url\n/);
    expect(kubeconform(all).summary.invalid).toBe(0);
  }, TIMEOUT_MS);

  it.each([
    ['config.shards=0', /shards/],
    ['config.shards=65', /shards/],
    ['config.replicas=6', /replicas/],
    ['config.indexPrefix=Discovery-', /indexPrefix/],
    ['config.indexPrefix=_discovery', /indexPrefix/],
    ['config.endedRetentionSeconds=0', /endedRetentionSeconds/],
    ['config.endedRetentionSeconds=2592001', /endedRetentionSeconds/],
    ['config.goneRetentionSeconds=86401', /goneRetentionSeconds/],
    ['config.purgeIntervalSeconds=0', /purgeIntervalSeconds/],
    ['config.grpcTimeoutMs=99', /grpcTimeoutMs/],
    ['config.grpcTimeoutMs=30001', /grpcTimeoutMs/],
    ['config.socialGraphGrpcUrl=http://social-graph:7112', /socialGraphGrpcUrl/],
    ['config.streamSessionsGrpcUrl=stream-sessions', /streamSessionsGrpcUrl/],
    ['config.elasticsearchUrl=elasticsearch:9200', /elasticsearchUrl/],
    ['config.elasticsearchUrl=', /elasticsearchUrl/],
    ['config.authJwksUrl=identity:7101', /authJwksUrl/],
    ['config.kafkaBrokers=kafka', /kafkaBrokers/],
    ['config.kafkaTopicPrefix=a/b', /kafkaTopicPrefix/],
    ['config.protoDir=proto', /protoDir/],
    ['config.logLevel=trace', /logLevel/],
    ['config.elasticsearchURL=http://es:9200', /elasticsearchURL/],
    ['internalTls.secretName=Discovery_TLS', /secretName/],
    ['podDisruptionBudget.maxUnavailable=0', /maxUnavailable/],
    ['ingress.enabled=true', /ingress/],
  ])('values.schema.json refuses %s', (setting, mentions) => {
    const t = helmTemplate(chart, ['--set', setting]);
    expect(t.status).not.toBe(0);
    expect(t.stderr).toMatch(/schema/i);
    expect(t.stderr).toMatch(mentions);
  }, TIMEOUT_MS);

  it('scales on CPU between min and max pods, with a PDB, probes on /healthz and /readyz, and a short preStop', () => {
    const all = rendered(chart);
    expect(all).not.toMatch(/kind: Ingress/);
    const hpa = manifest(all, 'HorizontalPodAutoscaler');
    expect(hpa).toMatch(/minReplicas: 2\n\s+maxReplicas: 6\n/);
    expect(hpa).toMatch(/name: cpu\n\s+target:\n\s+type: Utilization\n\s+averageUtilization: 70\n/);
    expect(manifest(all, 'PodDisruptionBudget')).toMatch(/^ {2}maxUnavailable: 1$/m);
    const deployment = manifest(all, 'Deployment');
    expect(deployment).not.toMatch(/^ {2}replicas:/m);
    expect(deployment).toMatch(/terminationGracePeriodSeconds: 35\n/);
    expect(deployment).toMatch(/preStop:\n\s+sleep:\n\s+seconds: 5\n/);
    expect(deployment).toMatch(/startupProbe:\n\s+httpGet:\n\s+path: \/healthz\n\s+port: http\n/);
    expect(deployment).toMatch(/livenessProbe:\n\s+httpGet:\n\s+path: \/healthz\n\s+port: http\n/);
    expect(deployment).toMatch(/readinessProbe:\n\s+httpGet:\n\s+path: \/readyz\n\s+port: http\n/);
    expect(deployment).toMatch(/- name: http\n\s+containerPort: 7106\n\s+protocol: TCP\n/);
    expect(manifest(all, 'Service')).toMatch(/- name: http\n\s+port: 7106\n\s+targetPort: http\n/);
    const fixed = rendered(chart, ['--set', 'autoscaling.enabled=false', '--set', 'replicaCount=3', '--set', 'podDisruptionBudget.maxUnavailable=25%']);
    expect(fixed).not.toMatch(/kind: HorizontalPodAutoscaler/);
    expect(manifest(fixed, 'Deployment')).toMatch(/^ {2}replicas: 3$/m);
    expect(manifest(fixed, 'PodDisruptionBudget')).toMatch(/^ {2}maxUnavailable: "25%"$/m);
    expect(kubeconform(fixed).summary.invalid).toBe(0);
  }, TIMEOUT_MS);

  it('refuses a grace period shorter than the preStop sleep + 30 s, and more minimum than maximum pods', () => {
    const grace = helmTemplate(chart, ['--set', 'termination.preStopSleepSeconds=10', '--set', 'termination.terminationGracePeriodSeconds=35']);
    expect(grace.status).not.toBe(0);
    expect(grace.stderr).toMatch(/terminationGracePeriodSeconds \(35\) must be at least termination\.preStopSleepSeconds \+ 30 \(40\)/);
    const pods = helmTemplate(chart, ['--set', 'autoscaling.minReplicas=7']);
    expect(pods.status).not.toBe(0);
    expect(pods.stderr).toMatch(/autoscaling\.minReplicas \(7\) must not exceed autoscaling\.maxReplicas \(6\)/);
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
