import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { CryptoService } from '../common/crypto/crypto.service';

export interface RingCentralTokens {
  access_token: string;
  refresh_token?: string;
  /** Epoch ms. */
  expire_time: number;
  refresh_token_expire_time?: number;
  owner_id?: string;
  scope?: string;
}

export interface StoredRingCentralCredentials {
  /** The admin's JWT credential, kept to log in again when the refresh token dies. */
  jwt?: string;
  tokens?: RingCentralTokens;
}

/** The encrypted RingCentral credentials of an account (accounts.rc_credentials). */
@Injectable()
export class RingCentralCredentialsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly crypto: CryptoService,
  ) {}

  async load(accountId: string, manager: EntityManager = this.dataSource.manager): Promise<StoredRingCentralCredentials | undefined> {
    const [row] = await manager.query('SELECT rc_credentials FROM accounts WHERE id = $1', [accountId]);
    return row?.rc_credentials ? this.crypto.decryptJson<StoredRingCentralCredentials>(row.rc_credentials) : undefined;
  }

  async save(accountId: string, credentials: StoredRingCentralCredentials, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query('UPDATE accounts SET rc_credentials = $2, updated_at = now() WHERE id = $1', [accountId, this.crypto.encryptJson(credentials)]);
  }

  /** Runs `fn` holding the account's refresh lock, so one replica at a time refreshes (refresh tokens are single-use). */
  async withRefreshLock<T>(accountId: string, fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('rc-refresh:' || $1))`, [accountId]);
      return fn(manager);
    });
  }
}
