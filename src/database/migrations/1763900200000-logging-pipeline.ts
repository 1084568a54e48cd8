import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Server-logging settings (encrypted), user mappings, and each call's timeline of decisions. */
export class LoggingPipeline1763900200000 implements MigrationInterface {
  name = 'LoggingPipeline1763900200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE server_logging_settings (
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        connector_id text NOT NULL,
        values_encrypted text NOT NULL,
        field_names text[] NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_id, connector_id)
      )`);
    await q.query(`
      CREATE TABLE user_mappings (
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        rc_extension_id text NOT NULL,
        crm_user_id text NOT NULL,
        crm_user_name text,
        crm_user_email text,
        source text NOT NULL CHECK (source IN ('auto', 'manual')),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_id, rc_extension_id)
      )`);
    await q.query(`
      CREATE TABLE call_log_events (
        id bigserial PRIMARY KEY,
        call_log_id uuid NOT NULL REFERENCES call_logs(id) ON DELETE CASCADE,
        at timestamptz NOT NULL DEFAULT now(),
        kind text NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await q.query(`CREATE INDEX call_log_events_call_log ON call_log_events (call_log_id, id)`);
    await q.query(`ALTER TABLE call_logs ADD COLUMN next_attempt_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE call_logs DROP COLUMN next_attempt_at`);
    for (const table of ['call_log_events', 'user_mappings', 'server_logging_settings']) await q.query(`DROP TABLE ${table}`);
  }
}
