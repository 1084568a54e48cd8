import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/** One definition of the data source for the app, the migration runner, the CLI and the tests. */
export function dataSourceOptions(url: string): DataSourceOptions & { type: 'postgres' } {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    // Never on, anywhere: schema changes go through migrations (STYLE.md, typeorm #2344 / #6641).
    synchronize: false,
    migrationsRun: false,
    applicationName: 'sscl',
  };
}
