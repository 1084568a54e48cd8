import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source.options';

/** Any constant works as long as every replica uses the same one: it names the "schema migrations" lock. */
const MIGRATION_LOCK_KEY = 0x5cc1_0001;

/**
 * Applies pending migrations under a PostgreSQL session advisory lock held on one dedicated connection (not a
 * pooled one, so it also holds behind PgBouncer's session pooling), so replicas that boot together wait for the
 * first one instead of racing it. Returns the names of the migrations this call applied.
 */
export async function runMigrations(databaseUrl: string): Promise<string[]> {
  const lock = new Client({ connectionString: databaseUrl, application_name: 'sscl-migrations-lock' });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const dataSource = new DataSource({ ...dataSourceOptions(databaseUrl), poolSize: 1 });
    await dataSource.initialize();
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.end();
  }
}
