import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

export interface ConsoleSessionRow {
  id: string;
  rcAccountId: string;
  rcExtensionId: string;
  userName: string | null;
  isAdmin: boolean;
  tokensEncrypted: string;
  accessExpiresAt: Date;
  expiresAt: Date;
}

const COLUMNS = 'id, rc_account_id, rc_extension_id, user_name, is_admin, tokens_encrypted, access_expires_at, expires_at';

function toRow(r: Record<string, unknown>): ConsoleSessionRow {
  return {
    id: r.id as string,
    rcAccountId: r.rc_account_id as string,
    rcExtensionId: r.rc_extension_id as string,
    userName: (r.user_name as string | null) ?? null,
    isAdmin: r.is_admin as boolean,
    tokensEncrypted: r.tokens_encrypted as string,
    accessExpiresAt: new Date(r.access_expires_at as string),
    expiresAt: new Date(r.expires_at as string),
  };
}

/** The `console_sessions` table. Rows are keyed by a hash of the cookie value; expired rows are never returned. */
@Injectable()
export class ConsoleSessionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(row: ConsoleSessionRow): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO console_sessions (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [row.id, row.rcAccountId, row.rcExtensionId, row.userName, row.isAdmin, row.tokensEncrypted, row.accessExpiresAt, row.expiresAt],
    );
  }

  async find(id: string, manager: EntityManager = this.dataSource.manager, lock = false): Promise<ConsoleSessionRow | undefined> {
    const rows: Record<string, unknown>[] = await manager.query(
      `SELECT ${COLUMNS} FROM console_sessions WHERE id = $1 AND expires_at > now()${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  async updateTokens(id: string, tokensEncrypted: string, accessExpiresAt: Date, expiresAt: Date, manager: EntityManager): Promise<void> {
    await manager.query(
      'UPDATE console_sessions SET tokens_encrypted = $2, access_expires_at = $3, expires_at = $4, last_used_at = now() WHERE id = $1',
      [id, tokensEncrypted, accessExpiresAt, expiresAt],
    );
  }

  async delete(id: string): Promise<ConsoleSessionRow | undefined> {
    // The postgres driver answers a DELETE … RETURNING with [rows, affected].
    const [rows] = (await this.dataSource.query(`DELETE FROM console_sessions WHERE id = $1 RETURNING ${COLUMNS}`, [id])) as [Record<string, unknown>[], number];
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  async deleteExpired(): Promise<number> {
    const [, count] = (await this.dataSource.query('DELETE FROM console_sessions WHERE expires_at <= now()')) as [unknown, number];
    return count ?? 0;
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
