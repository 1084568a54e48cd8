import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Connector configs can hold credentials (the app-connect bridge's App Connect JWT), so they are stored encrypted like
 * every other credential. Nothing is in production yet, so existing plaintext configs are dropped rather than
 * migrated (the migration cannot encrypt: it has no key); admins re-enter them.
 */
export class EncryptConnectorConfig1763900300000 implements MigrationInterface {
  name = 'EncryptConnectorConfig1763900300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE accounts ADD COLUMN connector_config_encrypted text`);
    await q.query(`ALTER TABLE accounts DROP COLUMN connector_config`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE accounts ADD COLUMN connector_config jsonb`);
    await q.query(`ALTER TABLE accounts DROP COLUMN connector_config_encrypted`);
  }
}
