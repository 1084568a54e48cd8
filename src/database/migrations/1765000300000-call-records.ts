import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Call records: where each call_logs row came from (telephony events or RingCentral's call log), what the call-log
 * record said once final (duration, result, recording, voicemail) and whether the CRM log was updated with it; and
 * per account the call-log sync's watermark and last run.
 */
export class CallRecords1765000300000 implements MigrationInterface {
  name = 'CallRecords1765000300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE call_logs
        ADD COLUMN source text NOT NULL DEFAULT 'events' CHECK (source IN ('events', 'call-log')),
        ADD COLUMN record_state text NOT NULL DEFAULT 'waiting' CHECK (record_state IN ('waiting', 'merged', 'not-found')),
        ADD COLUMN record_id text,
        ADD COLUMN record_duration integer,
        ADD COLUMN record_result text,
        ADD COLUMN recording_state text NOT NULL DEFAULT 'none' CHECK (recording_state IN ('none', 'waiting', 'ready', 'missing')),
        ADD COLUMN recording_link text,
        ADD COLUMN voicemail_link text,
        ADD COLUMN record_merged_at timestamptz,
        ADD COLUMN update_state text CHECK (update_state IN ('pending', 'updating', 'updated', 'failed', 'not-needed')),
        ADD COLUMN crm_updated_at timestamptz`);
    // Calls logged before the sync existed are not waited on (and not updated): their records were never read.
    await q.query(`UPDATE call_logs SET record_state = 'not-found', update_state = CASE WHEN status = 'logged' THEN 'not-needed' END`);
    // The sync's decisions look at the rows still waiting on a record or an update, per account.
    await q.query(`CREATE INDEX call_logs_record_open ON call_logs (account_id, call_ended_at)
      WHERE record_state = 'waiting' OR recording_state = 'waiting' OR (update_state IS NULL AND status = 'logged') OR reason = 'waiting-for-record'`);
    await q.query(`
      CREATE TABLE call_log_sync (
        account_id uuid PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
        watermark timestamptz,
        last_run_at timestamptz,
        last_success_at timestamptz,
        last_error text,
        lag_seconds double precision,
        records_read integer NOT NULL DEFAULT 0,
        requests integer NOT NULL DEFAULT 0,
        left_out_from timestamptz,
        left_out_to timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE call_log_sync`);
    await q.query(`DROP INDEX call_logs_record_open`);
    await q.query(`
      ALTER TABLE call_logs DROP COLUMN source, DROP COLUMN record_state, DROP COLUMN record_id, DROP COLUMN record_duration,
        DROP COLUMN record_result, DROP COLUMN recording_state, DROP COLUMN recording_link, DROP COLUMN voicemail_link,
        DROP COLUMN record_merged_at, DROP COLUMN update_state, DROP COLUMN crm_updated_at`);
  }
}
