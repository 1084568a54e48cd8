import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The inbox keeps each notification as the text it arrived as, instead of PostgreSQL's parsed `jsonb`. The intake
 * has already parsed and checked it (webhook-intake.ts, inbox-row.sanitizer.ts) and the fold parses it again in
 * JavaScript, so `jsonb` only made PostgreSQL parse every notification once more on the acknowledgement's path (a
 * standalone loop: 45-54 -> 31-37 us of backend CPU a row; bench/README.md, "Intake: the inbox stores text"). The
 * stored text is also exactly what RingCentral sent (jsonb reorders keys and drops whitespace).
 *
 * The ALTER rewrites the table under an exclusive lock (3.1 s for 200,000 notifications of 1 KB on 2 cores): with a
 * large inbox, upgrade while the intake is quiet.
 */
export class InboxPayloadText1765000700000 implements MigrationInterface {
  name = 'InboxPayloadText1765000700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE inbound_events ALTER COLUMN payload TYPE text USING payload::text');
  }

  async down(q: QueryRunner): Promise<void> {
    // Every stored payload is JSON text (the intake stores nothing else; see toStorableInboxRow).
    await q.query('ALTER TABLE inbound_events ALTER COLUMN payload TYPE jsonb USING payload::jsonb');
  }
}
