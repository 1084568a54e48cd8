import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source.options';
import { MIGRATIONS } from '../../src/database/migrations';
import { runMigrations } from '../../src/database/migration-runner';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('runMigrations (real PostgreSQL)', () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase({ empty: true });
  });

  afterEach(async () => {
    await db.drop();
  });

  async function appliedMigrations(): Promise<string[]> {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY id');
      return rows.map((r) => r.name);
    } finally {
      await client.end();
    }
  }

  it('applies every migration to an empty database, then nothing on a second run', async () => {
    const first = await runMigrations(db.url);
    expect(first).toEqual(MIGRATIONS.map((m) => new m().name));
    expect(await runMigrations(db.url)).toEqual([]);
    expect(await appliedMigrations()).toEqual(first);
  });

  it('applies each migration once when several replicas migrate at the same moment', async () => {
    const results = await Promise.all([runMigrations(db.url), runMigrations(db.url), runMigrations(db.url)]);
    const appliedByAll = results.flat();
    expect(appliedByAll).toEqual(MIGRATIONS.map((m) => new m().name));
    expect(results.filter((r) => r.length > 0)).toHaveLength(1);
    expect(await appliedMigrations()).toHaveLength(MIGRATIONS.length);
  });

  it('has a down for every migration that undoes its up', async () => {
    await runMigrations(db.url);
    const dataSource = new DataSource(dataSourceOptions(db.url));
    await dataSource.initialize();
    try {
      for (let i = 0; i < MIGRATIONS.length; i++) await dataSource.undoLastMigration({ transaction: 'each' });
      const { count } = (await dataSource.query(`SELECT count(*)::int AS count FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'schema_migrations'`))[0];
      expect(count).toBe(0);
    } finally {
      await dataSource.destroy();
    }
  });
});
