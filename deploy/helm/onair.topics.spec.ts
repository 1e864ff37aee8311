// The umbrella chart's Kafka topics: the list in its values must be exactly what the code uses
// (every event's topic in libs/contracts, every consumer group's dead-letter topic), and each
// kafkaTopics.mode must render what it promises.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { HELM_DIR, TIMEOUT_MS, helmTemplate, rendered, manifest, kubeconform, describeRun } from './chart-rendering';
import { expectedTopics } from './kafka-topics';

const chart = join(HELM_DIR, 'onair');
const values = parse(readFileSync(join(chart, 'values.yaml'), 'utf8'));
const topics: Record<string, number> = values.kafkaTopics.topics;
const docs = (all: string) => parseAllDocuments(all).map((d) => d.toJS()).filter(Boolean);

describe('onair chart: Kafka topics', () => {
  it('lists exactly the topics of libs/contracts and the consumers\' dead-letter topics', () => {
    // On failure the diff names the topic to add to (or drop from) kafkaTopics.topics.
    expect(Object.keys(topics).sort()).toEqual(expectedTopics());
  });

  it('sizes the two service-sized topics as their services do', () => {
    expect(topics['chat.messages.v1']).toBe(values.chat.config.chatPartitions);
    expect(topics['notifications.fanout.v1']).toBe(values.notifications.config.fanoutPartitions);
  });

  it('refuses a chat room topic sized unlike chat.config.chatPartitions', () => {
    const t = helmTemplate(chart, ['--set', 'chat.config.chatPartitions=128']);
    expect(t.status).not.toBe(0);
    expect(t.stderr).toMatch(/chat\.messages\.v1.*chatPartitions/);
  }, TIMEOUT_MS);

  it('job: a pre-install/pre-upgrade hook Job creating every topic, non-root, read-only, without a token', () => {
    const job = parse(manifest(rendered(chart, ['--set-string', 'global.kafka.brokers=k1:9092\\,k2:9092']), 'Job'));
    expect(job.metadata.annotations).toEqual({
      'helm.sh/hook': 'pre-install,pre-upgrade',
      'helm.sh/hook-weight': expect.any(String),
      'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
    });
    expect(job.spec.backoffLimit).toBeGreaterThan(0);
    expect(job.spec.activeDeadlineSeconds).toBeGreaterThan(0);
    const pod = job.spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    const [c] = pod.containers;
    expect(c.image).toMatch(/^onair\/identity:/);
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    const env = Object.fromEntries(c.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(env.KAFKA_BROKERS).toBe('k1:9092,k2:9092');
    expect(env.KAFKA_TOPICS.split(',').sort()).toEqual(Object.entries(topics).map(([n, p]) => `${n}:${p}`).sort());
  }, TIMEOUT_MS);

  it('strimzi: one KafkaTopic per topic for the named cluster, kept on uninstall', () => {
    const all = rendered(chart, ['--set', 'kafkaTopics.mode=strimzi', '--set', 'kafkaTopics.strimzi.clusterName=prod', '--set', 'kafkaTopics.prefix=x_']);
    const kafkaTopics = docs(all).filter((d) => d.kind === 'KafkaTopic');
    expect(kafkaTopics.map((t) => [t.spec.topicName, t.spec.partitions]).sort()).toEqual(Object.entries(topics).map(([n, p]) => [`x_${n}`, p]).sort());
    for (const t of kafkaTopics) {
      expect(t.apiVersion).toBe('kafka.strimzi.io/v1beta2');
      expect(t.metadata.name).toMatch(/^[a-z0-9.-]+$/);
      expect(t.metadata.labels['strimzi.io/cluster']).toBe('prod');
      expect(t.metadata.annotations['helm.sh/resource-policy']).toBe('keep');
      expect(t.spec.replicas).toBe(values.kafkaTopics.replicationFactor);
    }
    expect(docs(all).some((d) => d.kind === 'Job')).toBe(false);
  }, TIMEOUT_MS);

  it('none: neither a Job nor KafkaTopics, and what renders is valid', () => {
    const all = rendered(chart, ['--set', 'kafkaTopics.mode=none']);
    expect(docs(all).filter((d) => d.kind === 'Job' || d.kind === 'KafkaTopic')).toEqual([]);
    const { run, summary } = kubeconform(all);
    if (summary.invalid + summary.errors > 0) throw new Error(describeRun(run));
  }, TIMEOUT_MS);

  it('refuses an unknown mode', () => {
    const t = helmTemplate(chart, ['--set', 'kafkaTopics.mode=auto']);
    expect(t.status).not.toBe(0);
    expect(t.stderr).toMatch(/schema/i);
  }, TIMEOUT_MS);
});
