// The umbrella chart's topics Job, run for real: its command and environment are taken from the
// rendered manifest and run with this checkout's build (the images mirror it under /app) against
// the local Kafka that `tools/onair` started, under this suite's own topic prefix. Needs
// `tools/onair build` (libs/kafka's dist) and `tools/onair infra up`.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parse } from 'yaml';
import { TestContext } from '@onair/testing';
import { HELM_DIR, REPO_ROOT, rendered, manifest } from './chart-rendering';

interface Container {
  command: string[];
  env: Array<{ name: string; value: string }>;
}

const ctx = TestContext.create('topicsjob');
afterAll(() => ctx.cleanup());

function renderedJob(brokers: string): Container {
  const all = rendered(join(HELM_DIR, 'onair'), [
    '--set-string', `global.kafka.brokers=${brokers.replace(/,/g, '\\,')}`,
    '--set-string', `kafkaTopics.prefix=${ctx.topicPrefix}`,
    // The local Kafka is one broker.
    '--set', 'kafkaTopics.replicationFactor=1',
  ]);
  return parse(manifest(all, 'Job')).spec.template.spec.containers[0];
}

// The image's node and /app are this process's node and the checkout.
function runJob(c: Container): { status: number | null; out: string } {
  const [bin, ...args] = c.command.map((a) => a.replace(/^\/app\//, `${REPO_ROOT}/`));
  expect(bin).toBe('/usr/local/bin/node');
  const env = Object.fromEntries(c.env.map((e) => [e.name, e.value]));
  const r = spawnSync(process.execPath, args, { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('onair chart: the topics Job against a real Kafka', () => {
  const job = renderedJob(ctx.infra.kafkaBrokers.join(','));
  const wanted = Object.fromEntries(
    job.env.find((e) => e.name === 'KAFKA_TOPICS')!.value.split(',').map((entry) => {
      const [name, partitions] = entry.split(':');
      return [`${ctx.topicPrefix}${name}`, Number(partitions)];
    }),
  );

  it('creates every topic with its partitions', async () => {
    const r = runJob(job);
    if (r.status !== 0) throw new Error(`the Job's command failed (exit ${r.status}):\n${r.out}`);
    expect(r.out).toContain(`${Object.keys(wanted).length} topics ready`);

    const admin = ctx.kafka().admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: Object.keys(wanted) });
      const got = Object.fromEntries(topics.map((t) => [t.name, t.partitions.length]));
      expect(got).toEqual(wanted);
    } finally {
      await admin.disconnect();
    }
  }, 180_000);

  it('succeeds again without creating anything (an upgrade runs it again)', () => {
    const r = runJob(job);
    if (r.status !== 0) throw new Error(`the second run failed (exit ${r.status}):\n${r.out}`);
    expect(r.out).toContain('(0 created)');
    expect(r.out).not.toMatch(/: created,/);
  }, 180_000);

  it('fails with the reason when Kafka cannot be reached', () => {
    const r = runJob(renderedJob('127.0.0.1:1'));
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/create-topics: failed against 127\.0\.0\.1:1: .+/);
  }, 180_000);
});
