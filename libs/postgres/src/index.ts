export { createPostgresDataSource, openPostgres, postgresReady, type PostgresOptions } from './postgres-data-source.js';
export { PostgresModule } from './postgres.module.js';
