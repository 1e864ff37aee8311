export { createPostgresDataSource, openPostgres, postgresReady, type PostgresOptions } from './postgres-data-source.js';
