import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Limits every replica shares (issue 16): per-account CRM concurrency slots held under a lease (a process that dies
 * loses its slots when the lease runs out), and RingCentral rate-limit penalties per account and usage-plan group.
 */
export class SharedLimits1765000400000 implements MigrationInterface {
  name = 'SharedLimits1765000400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE crm_concurrency_slots (
        account_id text NOT NULL,
        slot integer NOT NULL CHECK (slot >= 0),
        holder text NOT NULL,
        lease_until timestamptz NOT NULL,
        PRIMARY KEY (account_id, slot)
      )`);
    await q.query(`
      CREATE TABLE rate_limit_penalties (
        account_key text NOT NULL,
        usage_group text NOT NULL,
        closed_until timestamptz NOT NULL,
        PRIMARY KEY (account_key, usage_group)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE rate_limit_penalties');
    await q.query('DROP TABLE crm_concurrency_slots');
  }
}
