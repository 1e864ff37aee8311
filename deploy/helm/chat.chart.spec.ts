// The chat chart: the variables it passes, the values it refuses, scaling, and its Ingress.
import { join } from 'node:path';
import { HELM_DIR, TIMEOUT_MS, helmTemplate, rendered, manifest, kubeconform } from './chart-rendering';
import { setEnv, expectEveryVariableSet, networkPolicyRules, describePolicedService } from './chart-expectations';

describe('chat chart: configuration and scaling', () => {
  const chart = join(HELM_DIR, 'chat');

  // The service's own defaults (services/chat/src/config.ts), plus the addresses it has none for.
  const DEFAULT_ENV = [
    'HTTP_PORT: "7105"',
    'HTTP_HOST: "0.0.0.0"',
    'DATABASE_URL: "postgres://chat@postgres:5432/onair"',
    'DATABASE_SCHEMA: "chat"',
    'DATABASE_POOL_MIN: "10"',
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

// The edge calls chat; its own Ingress (not a named selector) is what opens the HTTP port to the
// Ingress controller, so that test stays here.
describePolicedService('chat', {
  rules: { http: ['pod:edge', 'ns:monitoring'] },
  metricsPort: 7105, httpCallers: true, kafka: true, subchart: true,
});

describe('chat chart: the Ingress controller in its NetworkPolicy', () => {
  const chart = join(HELM_DIR, 'chat');

  it('admits the Ingress controller\'s namespace to the HTTP port with its own Ingress only', () => {
    const withIngress = rendered(chart, ['--set', 'ingress.enabled=true']);
    expect(networkPolicyRules(withIngress).http).toEqual(['pod:edge', 'ns:monitoring', 'ns:ingress-nginx']);
    const other = rendered(chart, ['--set', 'ingress.enabled=true', '--set', 'networkPolicy.ingressControllerNamespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name=nginx-system']);
    expect(networkPolicyRules(other).http).toEqual(['pod:edge', 'ns:monitoring', 'ns:nginx-system']);
  }, TIMEOUT_MS);
});
