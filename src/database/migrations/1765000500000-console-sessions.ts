import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sessions of the admin console (sign in with RingCentral): the row is found by a SHA-256 of the cookie's random
 * value (the cookie itself is never stored), and the RingCentral tokens are kept encrypted (AES-256-GCM, like every
 * credential). A session lives as long as its refresh token.
 */
export class ConsoleSessions1765000500000 implements MigrationInterface {
  name = 'ConsoleSessions1765000500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE console_sessions (
        id text PRIMARY KEY,
        rc_account_id text NOT NULL,
        rc_extension_id text NOT NULL,
        user_name text,
        is_admin boolean NOT NULL,
        tokens_encrypted text NOT NULL,
        access_expires_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX console_sessions_expires_at ON console_sessions (expires_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE console_sessions');
  }
}
