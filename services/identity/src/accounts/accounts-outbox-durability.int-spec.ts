import type { INestApplication } from '@nestjs/common';
import { AccountCreatedEvent } from '@onair/contracts';
import { PrivateKafka, TestContext, waitUntil } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { loadConfig } from '../config.js';
import { createIdentityApp } from '../identity-app.js';
import { projectionGroup, type ProjectionOptions } from './account-projection.test-app.js';

startTelemetry({ serviceName: 'identity' });

/** The projection in its own process, so it can be SIGKILLed mid-batch like a crashing pod. */
function startProjectionProcess(options: ProjectionOptions): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', resolve(__dirname, 'account-projection.test-app.ts'), JSON.stringify(options)], {
    cwd: resolve(__dirname, '../..'),
    env: { ...process.env, NODE_OPTIONS: '', SWC_NODE_PROJECT: resolve(__dirname, '../../../../tsconfig.base.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolveReady, reject) => {
    child.stdout!.on('data', (d) => String(d).includes('projection ready') && resolveReady(child));
    child.once('exit', (code) => reject(new Error(`projection exited with ${code}: ${stderr}`)));
  });
}

describe('outbox and idempotent consumer across a broker outage and a consumer crash', () => {
  const ctx = TestContext.create('identity_durability');
  const kafka = new PrivateKafka();
  const projectionSchema = ctx.schema('projection');
  const identitySchema = ctx.schema('identity');
  const pg = new Client({ connectionString: ctx.infra.pgUrl });
  let app: INestApplication;
  let base: string;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    await kafka.start();
    await pg.connect();
    app = await createIdentityApp(
      loadConfig({
        DATABASE_URL: ctx.infra.pgUrl,
        DATABASE_SCHEMA: identitySchema,
        KAFKA_BROKERS: kafka.brokers.join(','),
        KAFKA_TOPIC_PREFIX: ctx.topicPrefix,
        KAFKA_TOPIC_PARTITIONS: '3',
        PASSWORD_SCRYPT_LOG_N: '10',
        LOG_LEVEL: 'error',
      }),
    );
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  }, 180_000);

  afterAll(async () => {
    child?.kill('SIGKILL');
    await app?.close();
    await pg.end();
    await kafka.remove();
    await ctx.cleanup();
  }, 120_000);

  const projection = (handlerDelayMs: number): ProjectionOptions => ({
    pgUrl: ctx.infra.pgUrl,
    schema: projectionSchema,
    brokers: kafka.brokers,
    topicPrefix: ctx.topicPrefix,
    handlerDelayMs,
  });
  const created: string[] = [];
  async function createAccounts(from: number, to: number) {
    for (let i = from; i < to; i++) {
      const res = await fetch(`${base}/v1/accounts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ handle: `user_${i}`, email: `user${i}@example.org`, password: `pw-of-user-${i}` }),
      });
      expect(res.status).toBe(201);
      created.push(((await res.json()) as { id: string }).id);
    }
  }
  const applied = async () => (await pg.query(`SELECT count(*)::int AS n FROM "${projectionSchema}".seen_account`)).rows[0].n as number;
  async function committedOffsets(): Promise<number> {
    const admin = new Kafka({ brokers: kafka.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const [topic] = await admin.fetchOffsets({ groupId: ctx.topicPrefix + projectionGroup, topics: [ctx.topicPrefix + AccountCreatedEvent.topic] });
    await admin.disconnect();
    return topic.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  }

  it('loses no event and applies each exactly once in effect', async () => {
    // 1. A slow consumer is killed with SIGKILL while it is in the middle of a batch. The
    // events are there before it starts, so its first fetch brings whole batches (offsets are
    // committed when a batch is done, or by interval).
    await createAccounts(0, 60);
    await waitUntil(
      async () => (await pg.query(`SELECT count(*)::int AS n FROM "${identitySchema}".outbox_event`)).rows[0].n === 0,
      30_000,
      'the relay to publish the first 60 events',
    );
    child = await startProjectionProcess(projection(50));
    // Killed while some events are applied but their offsets not committed yet (a batch's are
    // committed when it is done): at 10 applied alone, a loaded machine once killed it right at
    // the end of a batch, and nothing was left to deliver again.
    await waitUntil(
      async () => {
        const n = await applied();
        return n >= 10 && (await committedOffsets()) < n;
      },
      60_000,
      'the projection to be in the middle of a batch, 10 events applied',
    );
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    const appliedAtCrash = await applied();
    const committedAtCrash = await committedOffsets();
    // Applied but not committed: these will be delivered again after the restart.
    expect(committedAtCrash).toBeLessThan(appliedAtCrash);

    // 2. The broker goes away while accounts keep being created: the API still answers 201.
    await kafka.stop();
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ checks: { postgres: true, kafka: false } });
    await createAccounts(60, 120);
    const pending = await pg.query(`SELECT count(*)::int AS n FROM "${identitySchema}".outbox_event`);
    expect(pending.rows[0].n).toBeGreaterThan(0);

    // 3. Broker back, consumer restarted, more writes.
    await kafka.start();
    await waitUntil(async () => (await fetch(`${base}/readyz`)).status === 200, 30_000, 'identity to be ready again');
    child = await startProjectionProcess(projection(0));
    await createAccounts(120, 160);

    await waitUntil(async () => (await applied()) >= 160, 90_000, 'all 160 events to be applied');
    const { rows } = await pg.query(`SELECT account_id, times FROM "${projectionSchema}".seen_account`);
    expect(rows).toHaveLength(160);
    expect(new Set(rows.map((r) => r.account_id))).toEqual(new Set(created));
    expect(rows.filter((r) => r.times !== 1)).toEqual([]);
    await waitUntil(
      async () => (await pg.query(`SELECT count(*)::int AS n FROM "${identitySchema}".outbox_event`)).rows[0].n === 0,
      30_000,
      'the outbox to drain',
    );
  }, 300_000);
});
