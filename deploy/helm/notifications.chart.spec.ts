// The notifications chart: the variables it passes, VAPID keys, the values it refuses, and scaling.
import { join } from 'node:path';
import { HELM_DIR, TIMEOUT_MS, helmTemplate, rendered, manifest, kubeconform } from './chart-rendering';
import { setEnv, expectEveryVariableSet, TLS_ENV, expectAutoscaledService, expectKafkaLagMetrics, describePolicedService } from './chart-expectations';

describe('notifications chart: configuration and scaling', () => {
  const chart = join(HELM_DIR, 'notifications');
  // A VAPID pair as web-push makes them (base64url): 87 characters public, 43 private.
  const VAPID_PUBLIC = 'B'.repeat(87);
  const withVapid = ['--set', `config.vapid.publicKey=${VAPID_PUBLIC}`, '--set', 'config.vapid.existingSecret=notifications-vapid'];

  // The service's own defaults (services/notifications/src/config.ts), plus the addresses it has
  // none for (or only a loopback one).
  const DEFAULT_ENV = [
    'HTTP_PORT: "7107"',
    'HTTP_HOST: "0.0.0.0"',
    'DATABASE_URL: "postgres://notifications@postgres:5432/onair"',
    'DATABASE_SCHEMA: "notifications"',
    'DATABASE_POOL_MIN: "10"',
    'KAFKA_BROKERS: "kafka:9092"',
    'KAFKA_TOPIC_PREFIX: ""',
    'KAFKA_TOPIC_PARTITIONS: "6"',
    'AUTH_JWKS_URL: "http://identity:7101/.well-known/jwks.json"',
    'SOCIAL_GRAPH_GRPC_URL: "social-graph:7112"',
    'GRPC_TIMEOUT_MS: "10000"',
    'NOTIFICATIONS_FANOUT_PARTITIONS: "24"',
    'NOTIFICATIONS_FANOUT_CHUNK: "1000"',
    'NOTIFICATIONS_FANOUT_CONCURRENCY: "4"',
    'NOTIFICATIONS_FANOUT_LEASE_SECONDS: "30"',
    'NOTIFICATIONS_GO_LIVE_PER_HOUR: "10"',
    'NOTIFICATIONS_VAPID_SUBJECT: "mailto:push@onair.example"',
    'NOTIFICATIONS_PUSH_HOSTS: "fcm.googleapis.com,updates.push.services.mozilla.com,web.push.apple.com,*.notify.windows.com"',
    'NOTIFICATIONS_SUBSCRIPTIONS_PER_ACCOUNT: "10"',
    'NOTIFICATIONS_STREAMS_PER_ACCOUNT: "5"',
    'NOTIFICATIONS_STREAMS_PER_POD: "20000"',
    'NOTIFICATIONS_STREAM_HEARTBEAT_SECONDS: "20"',
    'NOTIFICATIONS_INBOX_RETENTION_DAYS: "30"',
    'NOTIFICATIONS_TICK_SECONDS: "5"',
    'LOG_LEVEL: "info"',
  ];

  it('passes every variable with the service\'s defaults, and the pod\'s name as NOTIFICATIONS_POD_ID', () => {
    const all = rendered(chart);
    const config = manifest(all, 'ConfigMap');
    for (const line of DEFAULT_ENV) expect(config).toContain(`\n  ${line}\n`);
    for (const env of TLS_ENV) expect(config).toMatch(env);
    expect(all).not.toMatch(/OTEL_EXPORTER_OTLP_ENDPOINT|PROTO_DIR|NOTIFICATIONS_PUSH_CA_FILE|NOTIFICATIONS_VAPID_P/);
    expect(config).not.toMatch(/NOTIFICATIONS_POD_ID/);
    expect(manifest(all, 'Deployment')).toMatch(/- name: NOTIFICATIONS_POD_ID\n\s+valueFrom:\n\s+fieldRef:\n\s+fieldPath: metadata\.name\n/);
  }, TIMEOUT_MS);

  it('sets every variable services/notifications/src/config.ts declares', () => {
    const all = rendered(chart, [
      ...withVapid, '--set', 'config.otlpEndpoint=http://otel-collector:4318', '--set', 'config.protoDir=/app/proto', '--set', 'config.pushCaFile=/etc/push/ca.crt',
    ]);
    expectEveryVariableSet('notifications', all, [
      'HTTP_PORT', 'INTERNAL_TLS_KEY', 'DATABASE_SCHEMA', 'KAFKA_BROKERS', 'NOTIFICATIONS_POD_ID', 'NOTIFICATIONS_VAPID_PRIVATE_KEY', 'NOTIFICATIONS_PUSH_CA_FILE', 'PROTO_DIR',
    ]);
    for (const name of DEFAULT_ENV.map((l) => l.split(':')[0])) expect({ name, set: setEnv(all).has(name) }).toEqual({ name, set: true });
    expect(manifest(all, 'ConfigMap')).toMatch(/^ {2}NOTIFICATIONS_PUSH_CA_FILE: "\/etc\/push\/ca\.crt"$/m);
  }, TIMEOUT_MS);

  it('takes the VAPID private key from the named Secret only, never from a plain value', () => {
    const all = rendered(chart, [...withVapid, '--set', 'config.vapid.privateKeySecretKey=private']);
    const config = manifest(all, 'ConfigMap');
    expect(config).toMatch(new RegExp(`^ {2}NOTIFICATIONS_VAPID_PUBLIC_KEY: "${VAPID_PUBLIC}"$`, 'm'));
    expect(config).not.toMatch(/NOTIFICATIONS_VAPID_PRIVATE_KEY/);
    const deployment = manifest(all, 'Deployment');
    expect(deployment).toMatch(/- name: NOTIFICATIONS_VAPID_PRIVATE_KEY\n\s+valueFrom:\n\s+secretKeyRef:\n\s+name: notifications-vapid\n\s+key: private\n/);
    expect(deployment).not.toMatch(/- name: NOTIFICATIONS_VAPID_PRIVATE_KEY\n\s+value:/);
    expect(kubeconform(all).summary.invalid).toBe(0);
    for (const plain of ['config.vapid.privateKey=AAAA', 'config.vapidPrivateKey=AAAA']) {
      const t = helmTemplate(chart, ['--set', plain]);
      expect(t.status).not.toBe(0);
      expect(t.stderr).toMatch(/schema/i);
      expect(t.stderr).toMatch(/privateKey|vapidPrivateKey/);
    }
    for (const half of [withVapid.slice(0, 2), withVapid.slice(2)]) {
      const t = helmTemplate(chart, half);
      expect(t.status).not.toBe(0);
      expect(t.stderr).toMatch(/config\.vapid\.publicKey and config\.vapid\.existingSecret go together/);
    }
  }, TIMEOUT_MS);

  it('passes the values given, large integers as integers, and DATABASE_URL from a Secret', () => {
    const all = rendered(chart, [
      // JSON numbers are floats to Helm, as in values files (--set makes integers).
      '--set-json', 'config.streamsPerPod=1000000', '--set', 'config.fanoutPartitions=96', '--set', 'config.pushHosts={push.example:8443,*.push.example}',
      '--set', 'config.databaseUrlSecret.name=notifications-db', '--set', 'config.databaseUrlSecret.key=url',
    ]);
    const config = manifest(all, 'ConfigMap');
    expect(config).toMatch(/^ {2}NOTIFICATIONS_STREAMS_PER_POD: "1000000"$/m);
    expect(config).toMatch(/^ {2}NOTIFICATIONS_FANOUT_PARTITIONS: "96"$/m);
    expect(config).toMatch(/^ {2}NOTIFICATIONS_PUSH_HOSTS: "push\.example:8443,\*\.push\.example"$/m);
    expect(config).not.toMatch(/DATABASE_URL/);
    expect(manifest(all, 'Deployment')).toMatch(/- name: DATABASE_URL\n\s+valueFrom:\n\s+secretKeyRef:\n\s+name: notifications-db\n\s+key: url\n/);
    expect(kubeconform(all).summary.invalid).toBe(0);
  }, TIMEOUT_MS);

  it.each([
    ['config.fanoutPartitions=0', /fanoutPartitions/],
    ['config.fanoutChunk=5001', /fanoutChunk/],
    ['config.fanoutLeaseSeconds=0', /fanoutLeaseSeconds/],
    ['config.goLivePerHour=1001', /goLivePerHour/],
    ['config.streamsPerPod=0', /streamsPerPod/],
    ['config.streamsPerAccount=101', /streamsPerAccount/],
    ['config.streamHeartbeatSeconds=301', /streamHeartbeatSeconds/],
    ['config.inboxRetentionDays=0', /inboxRetentionDays/],
    ['config.tickSeconds=3601', /tickSeconds/],
    ['config.grpcTimeoutMs=120001', /grpcTimeoutMs/],
    ['config.socialGraphGrpcUrl=http://social-graph:7112', /socialGraphGrpcUrl/],
    ['config.databaseUrl=mysql://db/onair', /databaseUrl/],
    ['config.databaseUrl=', /databaseUrl/],
    ['config.databaseSchema=Notifications', /databaseSchema/],
    ['config.vapid.publicKey=tooShort', /publicKey/],
    ['config.vapid.subject=push@onair.example', /subject/],
    ['config.pushHosts={https://fcm.googleapis.com}', /pushHosts/],
    ['config.pushHosts=null', /pushHosts/],
    ['config.pushCaFile=ca.crt', /pushCaFile/],
    ['config.logLevel=trace', /logLevel/],
    ['internalTls.secretName=Notifications_TLS', /secretName/],
    ['podDisruptionBudget.maxUnavailable=0', /maxUnavailable/],
    ['ingress.enabled=true', /ingress/],
  ])('values.schema.json refuses %s', (setting, mentions) => {
    const t = helmTemplate(chart, ['--set', setting]);
    expect(t.status).not.toBe(0);
    expect(t.stderr).toMatch(/schema/i);
    expect(t.stderr).toMatch(mentions);
  }, TIMEOUT_MS);

  it('scales on CPU between min and max pods, with a PDB, probes on /healthz and /readyz, and lets streams close before SIGKILL', () => {
    expectAutoscaledService(chart, { port: 7107, maxReplicas: 12, terminationGracePeriodSeconds: 45, preStopSleepSeconds: 10 });
    expect(rendered(chart)).not.toMatch(/kind: Ingress/);
    expect(manifest(rendered(chart), 'HorizontalPodAutoscaler')).toMatch(/scaleDown:\n(.*\n){2}\s+stabilizationWindowSeconds: 600\n\s+policies:\n\s+- type: Percent\n\s+value: 10\n/);
  }, TIMEOUT_MS);

  it('refuses a grace period shorter than the preStop sleep + 30 s, and more minimum than maximum pods', () => {
    const grace = helmTemplate(chart, ['--set', 'termination.preStopSleepSeconds=20', '--set', 'termination.terminationGracePeriodSeconds=45']);
    expect(grace.status).not.toBe(0);
    expect(grace.stderr).toMatch(/terminationGracePeriodSeconds \(45\) must be at least termination\.preStopSleepSeconds \+ 30 \(50\)/);
    const pods = helmTemplate(chart, ['--set', 'autoscaling.minReplicas=13']);
    expect(pods.status).not.toBe(0);
    expect(pods.stderr).toMatch(/autoscaling\.minReplicas \(13\) must not exceed autoscaling\.maxReplicas \(12\)/);
  }, TIMEOUT_MS);
});

describePolicedService('notifications', {
  rules: { http: ['pod:edge', 'ns:monitoring'] },
  metricsPort: 7107, httpCallers: true, ingressControllerOnceNamed: true, kafka: true, subchart: true,
});

describe('notifications chart: scaling on Kafka lag', () => {
  it('adds one External lag metric per consumer group to the CPU metric, when asked', () => {
    expectKafkaLagMetrics(join(HELM_DIR, 'notifications'), ['notifications.broadcasts', 'notifications.fanout', 'notifications.accounts', 'notifications.follows', 'notifications.web-push']);
  }, TIMEOUT_MS);
});
