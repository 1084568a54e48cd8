import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * App Connect-compatible plugins (ARCHITECTURE.md §6): what each account installed, in its explicit order, and the
 * async tasks whose random id is the plugin's callback capability (one week).
 */
export class Plugins1763900400000 implements MigrationInterface {
  name = 'Plugins1763900400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE plugins (
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        plugin_id text NOT NULL,
        manifest jsonb NOT NULL,
        jwt_encrypted text NOT NULL,
        config jsonb NOT NULL DEFAULT '{}'::jsonb,
        position integer NOT NULL CHECK (position >= 1),
        enabled boolean NOT NULL DEFAULT true,
        failure_policy text NOT NULL DEFAULT 'block' CHECK (failure_policy IN ('block', 'skip')),
        timeout_ms integer NOT NULL DEFAULT 10000 CHECK (timeout_ms BETWEEN 100 AND 60000),
        max_attempts integer NOT NULL DEFAULT 8 CHECK (max_attempts BETWEEN 1 AND 20),
        license_status text CHECK (license_status IN ('licensed', 'unlicensed', 'unknown')),
        license_description text,
        license_error text,
        license_checked_at timestamptz,
        token_refreshed_at timestamptz,
        installed_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_id, plugin_id),
        -- Deferred, so a reorder can renumber rows one by one inside its transaction.
        CONSTRAINT plugins_account_position UNIQUE (account_id, position) DEFERRABLE INITIALLY DEFERRED
      )`);
    await q.query(`
      CREATE TABLE async_plugin_tasks (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        call_log_id uuid NOT NULL REFERENCES call_logs(id) ON DELETE CASCADE,
        plugin_id text NOT NULL,
        operation text NOT NULL CHECK (operation IN ('createCallLog', 'updateCallLog')),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed', 'failed')),
        message text,
        data jsonb,
        hashed_extension_id text,
        dispatched_at timestamptz,
        callback_at timestamptz,
        callback_note text,
        append_attempts integer NOT NULL DEFAULT 0,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (call_log_id, plugin_id, operation)
      )`);
    await q.query(`CREATE INDEX async_plugin_tasks_expires_at ON async_plugin_tasks (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE async_plugin_tasks`);
    await q.query(`DROP TABLE plugins`);
  }
}
