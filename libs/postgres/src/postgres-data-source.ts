import { Client } from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';

export interface PostgresOptions {
  /** postgres://user:pass@host:port/db */
  url: string;
  /** The service's own schema: every table it owns lives there. */
  schema: string;
  entities: NonNullable<DataSourceOptions['entities']>;
  migrations: NonNullable<DataSourceOptions['migrations']>;
  poolSize?: number;
  /**
   * Connections opened at once by `openPostgres` and kept open however long they sit idle (at
   * most poolSize; default 0: opened on demand, closed after 10 s idle).
   */
  poolMin?: number;
}

/** Connections a pool holds unless told otherwise. */
export const DEFAULT_POOL_SIZE = 10;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * A TypeORM DataSource confined to one schema: `search_path` is set on every pooled
 * connection, so raw SQL in migrations and queries needs no schema prefix, and two services
 * (or two test suites) sharing one database never see each other's tables.
 */
export function createPostgresDataSource(options: PostgresOptions): DataSource {
  if (!SCHEMA_NAME.test(options.schema)) throw new Error(`invalid schema name: ${options.schema}`);
  return new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    // The schema names each connection in pg_stat_activity: which service holds what.
    applicationName: `onair ${options.schema}`,
    extra: { max: poolSize(options), min: poolMin(options), options: `-c search_path=${options.schema}` },
  });
}

const poolSize = (options: PostgresOptions) => options.poolSize ?? DEFAULT_POOL_SIZE;
const poolMin = (options: PostgresOptions) => Math.min(options.poolMin ?? 0, poolSize(options));

/** Creates the schema if needed, connects and applies pending migrations. */
export async function openPostgres(options: PostgresOptions): Promise<DataSource> {
  const admin = new Client({ connectionString: options.url });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
  } catch (err) {
    // Two processes racing to create the schema: the loser sees a unique violation.
    if ((err as { code?: string }).code !== '23505') throw err;
  } finally {
    await admin.end();
  }
  const dataSource = createPostgresDataSource(options);
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  await warmPool(dataSource, poolMin(options));
  return dataSource;
}

/**
 * Opens `count` connections now, by holding that many at once: each costs Postgres a backend
 * start, which a burst of requests would otherwise pay for on the CPU it needs.
 */
async function warmPool(dataSource: DataSource, count: number): Promise<void> {
  const runners = Array.from({ length: count }, () => dataSource.createQueryRunner());
  try {
    await Promise.all(runners.map((runner) => runner.connect()));
  } finally {
    await Promise.all(runners.map((runner) => runner.release()));
  }
}

/** Readiness probe: true when a trivial query answers within the timeout. */
export async function postgresReady(dataSource: DataSource, timeoutMs = 1000): Promise<boolean> {
  if (!dataSource.isInitialized) return false;
  const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
  const probe = dataSource.query('SELECT 1').then(
    () => true,
    () => false,
  );
  return Promise.race([probe, timeout]);
}
