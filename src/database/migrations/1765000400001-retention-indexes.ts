import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Indexes for the retention purge (issue 16): it finds old rows by these timestamps without a full scan. */
export class RetentionIndexes1765000400001 implements MigrationInterface {
  name = 'RetentionIndexes1765000400001';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX call_parties_updated_at ON call_parties (updated_at)');
    await q.query('CREATE INDEX call_log_events_at ON call_log_events (at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX call_log_events_at');
    await q.query('DROP INDEX call_parties_updated_at');
  }
}
