import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Calls the call-log sync saw "In Progress" with an agent leg: RingCentral's call log filters by start time, so the
 * sync keeps reading back to such a call's start until its final record is read (or CALL_LOG_BACKFILL_MAX_HOURS
 * passes), and a long call whose notifications were all lost is still reconciled.
 */
export class CallLogOpenRecords1765000600000 implements MigrationInterface {
  name = 'CallLogOpenRecords1765000600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE call_log_open_records (
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        telephony_session_id text NOT NULL,
        start_time timestamptz NOT NULL,
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        checked_at timestamptz,
        PRIMARY KEY (account_id, telephony_session_id)
      )`);
    await q.query('CREATE INDEX call_log_open_records_start ON call_log_open_records (account_id, start_time)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE call_log_open_records');
  }
}
