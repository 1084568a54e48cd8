import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CryptoService } from '../common/crypto/crypto.service';

/**
 * The values of a connector's `additionalFields` per account (service-account credentials): encrypted as one JSON
 * document with AES-256-GCM; the field names are kept in clear so admins can see which are set.
 */
@Injectable()
export class ServerLoggingSettingsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly crypto: CryptoService,
  ) {}

  async read(accountId: string, connectorId: string): Promise<Record<string, string>> {
    return (await this.readVersioned(accountId, connectorId)).values;
  }

  /** The values and their version (when they were last written, to the microsecond); null when none are stored. */
  async readVersioned(accountId: string, connectorId: string): Promise<{ values: Record<string, string>; version: string | null }> {
    const [row] = await this.dataSource.query(
      'SELECT values_encrypted, updated_at::text AS version FROM server_logging_settings WHERE account_id = $1 AND connector_id = $2',
      [accountId, connectorId],
    );
    return row ? { values: this.crypto.decryptJson<Record<string, string>>(row.values_encrypted), version: row.version } : { values: {}, version: null };
  }

  async fieldNames(accountId: string, connectorId: string): Promise<string[]> {
    const [row] = await this.dataSource.query('SELECT field_names FROM server_logging_settings WHERE account_id = $1 AND connector_id = $2', [accountId, connectorId]);
    return row?.field_names ?? [];
  }

  async write(accountId: string, connectorId: string, values: Record<string, string>): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO server_logging_settings (account_id, connector_id, values_encrypted, field_names) VALUES ($1, $2, $3, $4)
       ON CONFLICT (account_id, connector_id) DO UPDATE SET values_encrypted = EXCLUDED.values_encrypted, field_names = EXCLUDED.field_names, updated_at = now()`,
      [accountId, connectorId, this.crypto.encryptJson(values), Object.keys(values).filter((k) => values[k] !== '')],
    );
  }
}
