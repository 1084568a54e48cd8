import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { CryptoService } from '../common/crypto/crypto.service';
import type { AccountMode, AccountRow } from './account.types';

const COLUMNS = `id, rc_account_id, hashed_account_id, enabled, mode, settings, connector_id, connector_config_encrypted,
  admin_extension_id, paused_reason, rc_credentials IS NOT NULL AS has_credentials`;

function toRow(r: Record<string, any>, crypto: CryptoService): AccountRow {
  return {
    id: r.id,
    rcAccountId: r.rc_account_id,
    hashedAccountId: r.hashed_account_id,
    enabled: r.enabled,
    mode: r.mode,
    settings: r.settings ?? {},
    connectorId: r.connector_id,
    connectorConfig: r.connector_config_encrypted ? crypto.decryptJson<Record<string, unknown>>(r.connector_config_encrypted) : null,
    adminExtensionId: r.admin_extension_id,
    pausedReason: r.paused_reason,
    hasRingCentralCredentials: r.has_credentials,
  };
}

/** The `accounts` table: one row per RingCentral account that uses the service. */
@Injectable()
export class AccountsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly crypto: CryptoService,
  ) {}

  async findById(accountId: string, manager: EntityManager = this.dataSource.manager): Promise<AccountRow | undefined> {
    const [row] = await manager.query(`SELECT ${COLUMNS} FROM accounts WHERE id = $1`, [accountId]);
    return row ? toRow(row, this.crypto) : undefined;
  }

  async findByRcAccountId(rcAccountId: string): Promise<AccountRow | undefined> {
    const [row] = await this.dataSource.query(`SELECT ${COLUMNS} FROM accounts WHERE rc_account_id = $1`, [rcAccountId]);
    return row ? toRow(row, this.crypto) : undefined;
  }

  /** Creates the account on first contact; returns it either way. */
  async findOrCreate(rcAccountId: string, hashedAccountId: string): Promise<AccountRow> {
    const [row] = await this.dataSource.query(
      `INSERT INTO accounts (rc_account_id, hashed_account_id) VALUES ($1, $2)
       ON CONFLICT (rc_account_id) DO UPDATE SET updated_at = accounts.updated_at
       RETURNING ${COLUMNS}`,
      [rcAccountId, hashedAccountId],
    );
    return toRow(row, this.crypto);
  }

  async findEnabledIds(): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(`SELECT id FROM accounts WHERE enabled ORDER BY id`);
    return rows.map((r) => r.id);
  }

  /** Replaces one key of an account's (encrypted) connector config, e.g. a rotated App Connect JWT. */
  async setConnectorConfigValue(rcAccountId: string, connectorId: string, key: string, value: unknown): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const [row] = await m.query(`SELECT id, connector_config_encrypted FROM accounts WHERE rc_account_id = $1 AND connector_id = $2 FOR UPDATE`, [rcAccountId, connectorId]);
      if (!row) return;
      const config = row.connector_config_encrypted ? this.crypto.decryptJson<Record<string, unknown>>(row.connector_config_encrypted) : {};
      await m.query(`UPDATE accounts SET connector_config_encrypted = $2, updated_at = now() WHERE id = $1`, [row.id, this.crypto.encryptJson({ ...config, [key]: value })]);
    });
  }

  async setAdminExtension(accountId: string, extensionId: string): Promise<void> {
    await this.dataSource.query(`UPDATE accounts SET admin_extension_id = $2, updated_at = now() WHERE id = $1`, [accountId, extensionId]);
  }

  async update(
    accountId: string,
    patch: Partial<{ enabled: boolean; mode: AccountMode; settings: Record<string, unknown>; connectorId: string | null; connectorConfig: Record<string, unknown> | null; pausedReason: string | null }>,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    const columns: Record<string, string> = {
      enabled: 'enabled',
      mode: 'mode',
      settings: 'settings',
      connectorId: 'connector_id',
      connectorConfig: 'connector_config_encrypted',
      pausedReason: 'paused_reason',
    };
    const sets: string[] = [];
    const values: unknown[] = [accountId];
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      if (key === 'connectorConfig') values.push(value === null ? null : this.crypto.encryptJson(value));
      else values.push(key === 'settings' ? JSON.stringify(value) : value);
      sets.push(`${columns[key]} = $${values.length}`);
    }
    if (!sets.length) return;
    await manager.query(`UPDATE accounts SET ${sets.join(', ')}, updated_at = now() WHERE id = $1`, values);
  }

  /**
   * Pauses the account for `reason` unless its server-logging settings were written after `settingsVersion` (the ones
   * the failed request used): a request that was in flight while the admin rotated the key fails with the old key, and
   * must not pause logging that the new key serves. True when it paused.
   */
  async pauseUnlessSettingsChanged(accountId: string, reason: string, settingsVersion: string | null): Promise<boolean> {
    const [, paused] = await this.dataSource.query(
      `UPDATE accounts a SET paused_reason = $2, updated_at = now() WHERE a.id = $1 AND NOT ${settingsWrittenAfter('$3')}`,
      [accountId, reason, settingsVersion],
    );
    return paused > 0;
  }

  /** Whether the account's server-logging settings were written after `settingsVersion` (see pauseUnlessSettingsChanged). */
  async settingsChangedSince(accountId: string, settingsVersion: string | null): Promise<boolean> {
    const [row] = await this.dataSource.query(`SELECT ${settingsWrittenAfter('$2')} AS changed FROM accounts a WHERE a.id = $1`, [accountId, settingsVersion]);
    return row?.changed === true;
  }
}

/** SQL: account `a` has server-logging settings (for its current connector) written after the version in `param` (null: any). */
function settingsWrittenAfter(param: string): string {
  return `EXISTS (SELECT 1 FROM server_logging_settings s
    WHERE s.account_id = a.id AND s.connector_id = a.connector_id AND (${param}::timestamptz IS NULL OR s.updated_at > ${param}::timestamptz))`;
}
