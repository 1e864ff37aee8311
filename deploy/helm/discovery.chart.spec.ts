// The discovery chart: the variables it passes, the values it refuses, and scaling.
import { join } from 'node:path';
import { HELM_DIR, TIMEOUT_MS, helmTemplate, rendered, manifest, kubeconform } from './chart-rendering';
import { setEnv, expectEveryVariableSet, TLS_ENV, expectAutoscaledService, expectKafkaLagMetrics, describePolicedService } from './chart-expectations';

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
    expectAutoscaledService(chart, { port: 7106, maxReplicas: 6, terminationGracePeriodSeconds: 35, preStopSleepSeconds: 5 });
    expect(rendered(chart)).not.toMatch(/kind: Ingress/);
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

describePolicedService('discovery', {
  rules: { http: ['pod:edge', 'ns:monitoring'] },
  metricsPort: 7106, httpCallers: true, ingressControllerOnceNamed: true, kafka: true, subchart: true,
});

describe('discovery chart: scaling on Kafka lag, and Elasticsearch from the umbrella chart', () => {
  const chart = join(HELM_DIR, 'discovery');

  it('adds one External lag metric per consumer group to the CPU metric, when asked', () => {
    expectKafkaLagMetrics(chart, ['discovery.lifecycle', 'discovery.stats', 'discovery.accounts']);
  }, TIMEOUT_MS);

  it('takes global.elasticsearch (urlSecret over url) over its own config, and its own without globals', () => {
    const LOCAL = ['--set', 'config.elasticsearchUrl=http://local:9200'];
    const url = (all: string): string | undefined => /^ {2}ELASTICSEARCH_URL: "(.*)"$/m.exec(manifest(all, 'ConfigMap'))?.[1];
    const secretRef = /- name: ELASTICSEARCH_URL\n\s+valueFrom:\n\s+secretKeyRef:\n\s+name: (\S+)\n\s+key: (\S+)\n/;
    expect(url(rendered(chart, LOCAL))).toBe('http://local:9200');
    expect(url(rendered(chart, [...LOCAL, '--set-json', 'global={}']))).toBe('http://local:9200');
    expect(url(rendered(chart, [...LOCAL, '--set', 'global.elasticsearch.url=']))).toBe('http://local:9200');
    const localSecret = ['--set', 'config.elasticsearchUrlSecret.name=es-local', '--set', 'config.elasticsearchUrlSecret.key=url'];
    const globalUrl = rendered(chart, [...LOCAL, ...localSecret, '--set', 'global.elasticsearch.url=https://es.data:9200']);
    expect(url(globalUrl)).toBe('https://es.data:9200');
    expect(manifest(globalUrl, 'Deployment')).not.toMatch(secretRef);
    const globalSecret = rendered(chart, [...LOCAL, '--set', 'global.elasticsearch.url=https://es.data:9200', '--set', 'global.elasticsearch.urlSecret.name=es-global', '--set', 'global.elasticsearch.urlSecret.key=uri']);
    expect(url(globalSecret)).toBeUndefined();
    expect(secretRef.exec(manifest(globalSecret, 'Deployment'))?.slice(1)).toEqual(['es-global', 'uri']);
    expect(kubeconform(globalSecret).summary.invalid).toBe(0);
  }, TIMEOUT_MS);
});
