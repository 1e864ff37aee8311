import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { openPostgres, type PostgresOptions } from './postgres-data-source.js';

class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}
  async onApplicationShutdown() {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/**
 * The service's PostgreSQL schema as a global `DataSource` provider: created and migrated at
 * boot (the app does not start on a broken schema), closed at shutdown.
 */
@Global()
@Module({})
export class PostgresModule {
  static forRoot(options: PostgresOptions): DynamicModule {
    return {
      module: PostgresModule,
      providers: [{ provide: DataSource, useFactory: () => openPostgres(options) }, DataSourceCloser],
      exports: [DataSource],
    };
  }
}
