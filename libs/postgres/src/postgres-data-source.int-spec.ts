import { TestContext } from '@onair/testing';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { openPostgres, type PostgresOptions } from './postgres-data-source.js';

// pg-pool closes a connection idle this long, unless the pool would drop below its minimum.
const POOL_IDLE_TIMEOUT_MS = 10_000;

describe('openPostgres: the pool kept warm', () => {
  const ctx = TestContext.create('pg_pool');
  const admin = new Client({ connectionString: ctx.infra.pgUrl });
  const opened: DataSource[] = [];

  const open = async (name: string, pool: Pick<PostgresOptions, 'poolSize' | 'poolMin'>) => {
    const schema = ctx.schema(name);
    const dataSource = await openPostgres({ url: ctx.infra.pgUrl, schema, entities: [], migrations: [], ...pool });
    opened.push(dataSource);
    return { dataSource, schema };
  };
  /** The connections Postgres serves for a pool: each names its schema (application_name). */
  const connections = async (schema: string) =>
    (await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [`onair ${schema}`])).rows[0].n;
  /** Holds `n` connections of the pool at once, as a burst of requests would. */
  const burst = (dataSource: DataSource, n: number) => Promise.all(Array.from({ length: n }, () => dataSource.query('SELECT pg_sleep(0.2)')));

  beforeAll(() => admin.connect());
  afterAll(async () => {
    for (const dataSource of opened) await dataSource.destroy();
    await admin.end();
    await ctx.cleanup();
  });

  it('opens poolMin connections before the first query, and no more', async () => {
    const { schema } = await open('warm', { poolMin: 4 });
    expect(await connections(schema)).toBe(4);
  });

  it('keeps poolMin connections through a quiet spell and closes the ones a burst added', async () => {
    const warm = await open('kept', { poolSize: 5, poolMin: 2 });
    const cold = await open('cold', { poolSize: 5, poolMin: 0 });
    await Promise.all([burst(warm.dataSource, 5), burst(cold.dataSource, 5)]);
    expect([await connections(warm.schema), await connections(cold.schema)]).toEqual([5, 5]);
    await new Promise((resolve) => setTimeout(resolve, POOL_IDLE_TIMEOUT_MS + 1500));
    expect([await connections(warm.schema), await connections(cold.schema)]).toEqual([2, 0]);
  }, 30_000);

  it('never opens more than the pool holds', async () => {
    const { dataSource, schema } = await open('capped', { poolSize: 3, poolMin: 8 });
    expect(await connections(schema)).toBe(3);
    await burst(dataSource, 6);
    expect(await connections(schema)).toBe(3);
  });
});
