import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ExtensionKind } from '../ringcentral/types';

export interface DirectoryEntry {
  extensionId: string;
  extensionNumber?: string;
  type: ExtensionKind | string;
  status?: string;
  name?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
}

/** The account's RingCentral extensions (users, IVR menus, queues...), synced from the extension list. */
@Injectable()
export class ExtensionDirectoryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async replaceAll(accountId: string, entries: DirectoryEntry[]): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      // Two syncs of one account at once (an admin's reinitialize beside the scheduled one) would each delete the old
      // rows and insert the same new ones: the second insert hits the primary key. One at a time per account.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('rc_extensions:' || $1))`, [accountId]);
      await m.query('DELETE FROM rc_extensions WHERE account_id = $1', [accountId]);
      for (let i = 0; i < entries.length; i += 500) {
        const chunk = entries.slice(i, i + 500);
        const values: unknown[] = [accountId];
        const tuples = chunk.map((e) => {
          values.push(e.extensionId, e.extensionNumber ?? null, e.type, e.status ?? null, e.name ?? null, e.firstName ?? null, e.lastName ?? null, e.email ?? null);
          const b = values.length - 8;
          return `($1, $${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}, $${b + 8})`;
        });
        if (tuples.length) {
          await m.query(
            `INSERT INTO rc_extensions (account_id, extension_id, extension_number, type, status, name, first_name, last_name, email) VALUES ${tuples.join(', ')}`,
            values,
          );
        }
      }
    });
  }

  async kinds(accountId: string, extensionIds: string[]): Promise<Map<string, string>> {
    if (!extensionIds.length) return new Map();
    const rows: { extension_id: string; type: string }[] = await this.dataSource.query(
      'SELECT extension_id, type FROM rc_extensions WHERE account_id = $1 AND extension_id = ANY($2)',
      [accountId, extensionIds],
    );
    return new Map(rows.map((r) => [r.extension_id, r.type]));
  }

  async list(accountId: string): Promise<DirectoryEntry[]> {
    const rows: Record<string, string | null>[] = await this.dataSource.query(
      'SELECT * FROM rc_extensions WHERE account_id = $1 ORDER BY extension_number NULLS LAST, extension_id',
      [accountId],
    );
    return rows.map((r) => ({
      extensionId: r.extension_id!,
      extensionNumber: r.extension_number ?? undefined,
      type: r.type!,
      status: r.status ?? undefined,
      name: r.name ?? undefined,
      firstName: r.first_name ?? undefined,
      lastName: r.last_name ?? undefined,
      email: r.email ?? undefined,
    }));
  }

  async lastSyncedAt(accountId: string): Promise<Date | undefined> {
    const [row] = await this.dataSource.query('SELECT max(synced_at) AS at FROM rc_extensions WHERE account_id = $1', [accountId]);
    return row?.at ?? undefined;
  }
}
