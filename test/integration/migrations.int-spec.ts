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

  it('turns the inbox\'s jsonb payloads into their JSON text on upgrade', async () => {
    const sent = '{"uuid": "u-1", "body": {"telephonySessionId": "s-1", "b": 1.50, "a": ["x", null]}}';
    await runMigrations(db.url);
    const dataSource = new DataSource(dataSourceOptions(db.url));
    await dataSource.initialize();
    try {
      // Back to the version before: the inbox with a jsonb payload, and a notification stored by it.
      while ((await appliedMigrations()).includes('InboxPayloadText1765000700000')) await dataSource.undoLastMigration({ transaction: 'each' });
      const [{ id: accountId }] = await dataSource.query(`INSERT INTO accounts (rc_account_id, hashed_account_id) VALUES ('m-1', 'h') RETURNING id`);
      await dataSource.query(`INSERT INTO inbound_events (uuid, account_id, payload) VALUES ('u-1', $1, $2::jsonb)`, [accountId, sent]);
    } finally {
      await dataSource.destroy();
    }

    expect(await runMigrations(db.url)).toContain('InboxPayloadText1765000700000');
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ payload: unknown; type: string }>(`SELECT payload, pg_typeof(payload)::text AS type FROM inbound_events WHERE uuid = 'u-1'`);
      expect(rows[0]!.type).toBe('text');
      expect(typeof rows[0]!.payload).toBe('string');
      expect(JSON.parse(rows[0]!.payload as string)).toEqual(JSON.parse(sent));
    } finally {
      await client.end();
    }
  });
});
