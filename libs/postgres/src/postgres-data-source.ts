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
}

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
    extra: { max: options.poolSize ?? 10, options: `-c search_path=${options.schema}` },
  });
}

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
  return dataSource;
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
