import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763900000000 implements MigrationInterface {
  name = 'InitialSchema1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE housekeeping_runs (
        id bigserial PRIMARY KEY,
        tick_at timestamptz NOT NULL,
        handled_by text NOT NULL,
        handled_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX housekeeping_runs_tick_at ON housekeeping_runs (tick_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE housekeeping_runs`);
  }
}
