// The ops chart: the variables it passes, the values it refuses, and scaling.
import { join } from 'node:path';
import { HELM_DIR, TIMEOUT_MS, helmTemplate, rendered, manifest, kubeconform } from './chart-rendering';
import { setEnv, expectEveryVariableSet, expectAutoscaledService, describePolicedService } from './chart-expectations';

describe('ops chart: configuration and scaling', () => {
  const chart = join(HELM_DIR, 'ops');

  // The service's own defaults (services/ops/src/config.ts), plus the addresses it has none for.
  const DEFAULT_ENV = [
    'HTTP_PORT: "7108"',
    'HTTP_HOST: "0.0.0.0"',
    'DATABASE_URL: "postgres://ops@postgres:5432/onair"',
    'DATABASE_SCHEMA: "ops"',
    'DATABASE_POOL_MIN: "10"',
    'KAFKA_BROKERS: "kafka:9092"',
    'KAFKA_TOPIC_PREFIX: ""',
    'KAFKA_TOPIC_PARTITIONS: "6"',
    'AUTH_JWKS_URL: "http://identity:7101/.well-known/jwks.json"',
    'OPS_OPEN_REPORTS_PER_REPORTER: "50"',
    'STREAM_SESSIONS_GRPC_URL: "stream-sessions:7113"',
    'STREAM_SESSIONS_TIMEOUT_MS: "3000"',
    'LOG_LEVEL: "info"',
  ];

  it("passes every variable with the service's defaults, and its internal TLS files (it calls stream-sessions)", () => {
    const all = rendered(chart);
    const config = manifest(all, 'ConfigMap');
    for (const line of DEFAULT_ENV) expect(config).toContain(`\n  ${line}\n`);
    expect(config).toMatch(/^ {2}INTERNAL_TLS_CERT: \/etc\/onair\/tls\/tls\.crt$/m);
    expect(all).not.toMatch(/OTEL_EXPORTER_OTLP_ENDPOINT|PROTO_DIR|kind: Ingress/);
  }, TIMEOUT_MS);

  it('sets every variable services/ops/src/config.ts declares', () => {
    const all = rendered(chart, ['--set', 'config.otlpEndpoint=http://otel-collector:4318', '--set', 'config.protoDir=/app/proto']);
    expectEveryVariableSet('ops', all, ['HTTP_PORT', 'DATABASE_SCHEMA', 'KAFKA_BROKERS', 'AUTH_JWKS_URL', 'OPS_OPEN_REPORTS_PER_REPORTER', 'INTERNAL_TLS_CA', 'STREAM_SESSIONS_GRPC_URL', 'PROTO_DIR']);
    for (const name of DEFAULT_ENV.map((l) => l.split(':')[0])) expect({ name, set: setEnv(all).has(name) }).toEqual({ name, set: true });
    expect(manifest(all, 'ConfigMap')).toMatch(/^ {2}OTEL_EXPORTER_OTLP_ENDPOINT: "http:\/\/otel-collector:4318"$/m);
  }, TIMEOUT_MS);

  it('passes the values given, large integers as integers, and DATABASE_URL from a Secret', () => {
    const all = rendered(chart, [
      // JSON numbers are floats to Helm, as in values files (--set makes integers).
      '--set-json', 'config.openReportsPerReporter=10000', '--set', 'config.databaseUrlSecret.name=ops-db', '--set', 'config.databaseUrlSecret.key=url',
      '--set', 'config.streamSessionsGrpcUrl=stream-sessions.onair.svc:443', '--set-json', 'config.streamSessionsTimeoutMs=30000', '--set', 'config.protoDir=/app/proto',
    ]);
    const config = manifest(all, 'ConfigMap');
    expect(config).toMatch(/^ {2}OPS_OPEN_REPORTS_PER_REPORTER: "10000"$/m);
    expect(config).toMatch(/^ {2}STREAM_SESSIONS_GRPC_URL: "stream-sessions\.onair\.svc:443"$/m);
    expect(config).toMatch(/^ {2}STREAM_SESSIONS_TIMEOUT_MS: "30000"$/m);
    expect(config).toMatch(/^ {2}PROTO_DIR: "\/app\/proto"$/m);
    expect(config).not.toMatch(/DATABASE_URL/);
    expect(manifest(all, 'Deployment')).toMatch(/- name: DATABASE_URL\n\s+valueFrom:\n\s+secretKeyRef:\n\s+name: ops-db\n\s+key: url\n/);
    expect(kubeconform(all).summary.invalid).toBe(0);
  }, TIMEOUT_MS);

  it.each([
    ['config.openReportsPerReporter=0', /openReportsPerReporter/],
    ['config.openReportsPerReporter=10001', /openReportsPerReporter/],
    ['config.databaseUrl=mysql://db/onair', /databaseUrl/],
    ['config.databaseUrl=', /databaseUrl/],
    ['config.databaseSchema=Ops', /databaseSchema/],
    ['config.authJwksUrl=identity:7101', /authJwksUrl/],
    ['config.kafkaBrokers=kafka', /kafkaBrokers/],
    ['config.streamSessionsGrpcUrl=http://stream-sessions:7113', /streamSessionsGrpcUrl/],
    ['config.streamSessionsTimeoutMs=50', /streamSessionsTimeoutMs/],
    ['config.protoDir=proto', /protoDir/],
    ['internalTls.secretName=Ops_TLS', /secretName/],
    ['config.logLevel=trace', /logLevel/],
    ['config.openReports=5', /openReports/],
    ['podDisruptionBudget.maxUnavailable=0', /maxUnavailable/],
    ['ingress.enabled=true', /ingress/],
  ])('values.schema.json refuses %s', (setting, mentions) => {
    const t = helmTemplate(chart, ['--set', setting]);
    expect(t.status).not.toBe(0);
    expect(t.stderr).toMatch(/schema/i);
    expect(t.stderr).toMatch(mentions);
  }, TIMEOUT_MS);

  it('scales on CPU between min and max pods, with a PDB, probes on /healthz and /readyz, and a short preStop', () => {
    expectAutoscaledService(chart, { port: 7108, maxReplicas: 4, terminationGracePeriodSeconds: 35, preStopSleepSeconds: 5 });
  }, TIMEOUT_MS);

  it('refuses a grace period shorter than the preStop sleep + 30 s, and more minimum than maximum pods', () => {
    const grace = helmTemplate(chart, ['--set', 'termination.preStopSleepSeconds=10', '--set', 'termination.terminationGracePeriodSeconds=35']);
    expect(grace.status).not.toBe(0);
    expect(grace.stderr).toMatch(/terminationGracePeriodSeconds \(35\) must be at least termination\.preStopSleepSeconds \+ 30 \(40\)/);
    const pods = helmTemplate(chart, ['--set', 'autoscaling.minReplicas=5']);
    expect(pods.status).not.toBe(0);
    expect(pods.stderr).toMatch(/autoscaling\.minReplicas \(5\) must not exceed autoscaling\.maxReplicas \(4\)/);
  }, TIMEOUT_MS);
});

describePolicedService('ops', {
  rules: { http: ['pod:edge', 'ns:monitoring'] },
  metricsPort: 7108, httpCallers: true, ingressControllerOnceNamed: true, kafka: true, subchart: true,
});
