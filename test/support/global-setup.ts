import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import PgBoss from 'pg-boss';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres.launcher';
import { runMigrations } from '../../src/database/migration-runner';
import { PG_BOSS_SCHEMA } from '../../src/jobs/job-queue.service';

export const TEMPLATE_DATABASE = 'sscl_template';

/**
 * One real PostgreSQL per test run (integration and e2e tiers share it), in its own folder and on its own port, with
 * a template database that has every migration and pg-boss's schema applied; each test file clones it.
 */
export default async function globalSetup(): Promise<void> {
  const state = globalThis as { __SSCL_PG__?: { stop(): Promise<void> } };
  if (state.__SSCL_PG__) return;
  // World-traversable parent: under root the cluster runs as the `postgres` user.
  const dataDir = await mkdtemp(join(tmpdir(), 'sscl-test-pg-'));
  const db = await startEmbeddedPostgres({ dataDir, password: 'test', databaseName: 'postgres' });
  state.__SSCL_PG__ = db;
  const adminUrl = db.url;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  await admin.end();

  const templateUrl = adminUrl.replace(/\/[^/]+$/, `/${TEMPLATE_DATABASE}`);
  await runMigrations(templateUrl);
  const boss = new PgBoss({ connectionString: templateUrl, schema: PG_BOSS_SCHEMA, supervise: false, schedule: false });
  await boss.start();
  await boss.stop({ graceful: false, close: true });

  process.env.SSCL_TEST_PG_ADMIN_URL = adminUrl;
  process.env.SSCL_TEST_PG_DATA_DIR = dataDir;
}
