import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { newUser, startIdentity, type RunningIdentity, type TestUser } from './service-process.js';
import { testInfra, type TestInfra } from './test-infra.js';

/**
 * One test suite's private corner of the shared infrastructure: PostgreSQL schemas named
 * `<id>_<name>`, Kafka topics and groups prefixed `<id>.`, Elasticsearch indices prefixed
 * `<id>-` (and index templates named so). `cleanup()` drops all of them, so suites can run in
 * parallel and leave nothing.
 */
export class TestContext {
  readonly infra: TestInfra;
  readonly id: string;
  private readonly schemas = new Set<string>();
  private readonly cleanups: Array<() => Promise<unknown>> = [];
  private identity?: Promise<RunningIdentity>;

  private constructor(label: string) {
    this.infra = testInfra();
    this.id = `t${randomBytes(4).toString('hex')}_${label.replace(/[^a-z0-9]/g, '').slice(0, 20)}`;
  }

  static create(label: string): TestContext {
    return new TestContext(label);
  }

  schema(name: string): string {
    const schema = `${this.id}_${name}`.toLowerCase();
    this.schemas.add(schema);
    return schema;
  }

  get topicPrefix(): string {
    return `${this.id}.`;
  }

  get indexPrefix(): string {
    return `${this.id}-`;
  }

  /** Runs `fn` at cleanup time, before schemas and topics are dropped (e.g. closing an app). */
  onCleanup(fn: () => Promise<unknown>): void {
    this.cleanups.push(fn);
  }

  /** The real identity service for this suite (started once, stopped at cleanup). */
  startIdentity(env: Record<string, string> = {}): Promise<RunningIdentity> {
    this.identity ??= startIdentity(this, env);
    return this.identity;
  }

  /** A signed-up, signed-in user of this suite's identity service. */
  async newUser(overrides: { handle?: string; password?: string } = {}): Promise<TestUser> {
    return newUser(await this.startIdentity(), overrides);
  }

  kafka(): Kafka {
    return new Kafka({ clientId: this.id, brokers: this.infra.kafkaBrokers, logLevel: logLevel.NOTHING });
  }

  async cleanup(): Promise<void> {
    for (const fn of this.cleanups.reverse()) await fn().catch(() => undefined);
    const pg = new Client({ connectionString: this.infra.pgUrl });
    await pg.connect();
    try {
      for (const schema of this.schemas) await pg.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await pg.end();
    }
    const admin = this.kafka().admin();
    await admin.connect();
    try {
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(this.topicPrefix));
      if (topics.length) await admin.deleteTopics({ topics });
    } finally {
      await admin.disconnect();
    }
    await this.deleteIndices();
  }

  /** The suite's Elasticsearch indices (their aliases go with them) and index templates. */
  async indices(): Promise<string[]> {
    const res = await fetch(`${this.infra.esUrl}/_cat/indices/${this.indexPrefix}*?format=json&h=index&expand_wildcards=all`);
    if (!res.ok) throw new Error(`listing indices answered ${res.status}: ${await res.text()}`);
    return ((await res.json()) as Array<{ index: string }>).map((i) => i.index);
  }

  // Listed, then deleted by name: Elasticsearch refuses wildcard deletes (destructive_requires_name).
  private async deleteIndices(): Promise<void> {
    const es = this.infra.esUrl;
    const names = await this.indices();
    for (let i = 0; i < names.length; i += 50) {
      const res = await fetch(`${es}/${names.slice(i, i + 50).join(',')}?ignore_unavailable=true`, { method: 'DELETE' });
      if (!res.ok) throw new Error(`deleting indices answered ${res.status}: ${await res.text()}`);
    }
    const templates = await fetch(`${es}/_index_template/${this.indexPrefix}*`);
    if (templates.ok) {
      for (const { name } of ((await templates.json()) as { index_templates: Array<{ name: string }> }).index_templates) {
        await fetch(`${es}/_index_template/${name}`, { method: 'DELETE' });
      }
    }
  }
}
