import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { MIGRATIONS } from '../../src/database/migrations';
import { type ServiceProcess, spawnService, waitForHealthy } from '../support/spawn-service';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/** Two replicas booting together on one empty database: migrations once, each cron tick handled once. */
describe('two service processes on one database', () => {
  let db: TestDatabase;
  let replicas: ServiceProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase({ empty: true });
  });

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await db.drop();
  });

  it('both come up, the schema is migrated once, and each housekeeping tick runs on exactly one of them', async () => {
    const env = {
      DATABASE_URL: db.url,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      HASH_KEY: 'replica-test-hash-key',
      HOUSEKEEPING_INTERVAL_SECONDS: '1',
    };
    replicas = await Promise.all([spawnService(env), spawnService(env)]);
    await Promise.all(replicas.map((r) => waitForHealthy(r)));

    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const migrations = await client.query('SELECT name, count(*)::int AS n FROM schema_migrations GROUP BY name');
      expect(migrations.rows).toHaveLength(MIGRATIONS.length);
      expect(migrations.rows.every((r) => r.n === 1)).toBe(true);

      // Let both replicas fire several ticks, then look at what ran.
      await new Promise((r) => setTimeout(r, 5000));
      const ticks = await client.query<{ tick_at: Date; runs: number }>(
        'SELECT tick_at, count(*)::int AS runs FROM housekeeping_runs GROUP BY tick_at ORDER BY tick_at',
      );
      expect(ticks.rows.length).toBeGreaterThanOrEqual(3);
      expect(ticks.rows.filter((t) => t.runs !== 1)).toEqual([]);
    } finally {
      await client.end();
    }
  });
});
