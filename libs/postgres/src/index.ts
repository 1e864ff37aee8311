export { createPostgresDataSource, DEFAULT_POOL_SIZE, openPostgres, postgresReady, type PostgresOptions } from './postgres-data-source.js';
export { PostgresModule } from './postgres.module.js';
