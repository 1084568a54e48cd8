import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The inbox becomes the fold queue (ARCHITECTURE.md §9): workers claim unfolded rows (`FOR UPDATE SKIP LOCKED`) and
 * mark each folded or quarantined (with its reason). `intake_problem` says why a stored row is not the notification
 * as received (it had to be changed to be storable); `fold_attempts`/`fold_after` pace retries of rows whose fold
 * failed unexpectedly, until they are quarantined.
 */
export class InboxFoldQueue1765000100000 implements MigrationInterface {
  name = 'InboxFoldQueue1765000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE inbound_events
        ADD COLUMN intake_problem text,
        ADD COLUMN folded_at timestamptz,
        ADD COLUMN quarantined_at timestamptz,
        ADD COLUMN quarantine_reason text,
        ADD COLUMN fold_attempts integer NOT NULL DEFAULT 0,
        ADD COLUMN fold_after timestamptz`);
    // Rows the previous version's fold jobs have had time to fold (they gave up after ~35 min of retries) count as
    // folded; newer ones are folded again, which is harmless (folding is idempotent: duplicates change nothing).
    await q.query(`UPDATE inbound_events SET folded_at = received_at WHERE received_at < now() - interval '1 hour'`);
    await q.query(`CREATE INDEX inbound_events_unfolded ON inbound_events (id) WHERE folded_at IS NULL AND quarantined_at IS NULL`);
    await q.query(`CREATE INDEX inbound_events_quarantined ON inbound_events (account_id, id DESC) WHERE quarantined_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX inbound_events_quarantined`);
    await q.query(`DROP INDEX inbound_events_unfolded`);
    await q.query(`
      ALTER TABLE inbound_events
        DROP COLUMN fold_after,
        DROP COLUMN fold_attempts,
        DROP COLUMN quarantine_reason,
        DROP COLUMN quarantined_at,
        DROP COLUMN folded_at,
        DROP COLUMN intake_problem`);
  }
}
