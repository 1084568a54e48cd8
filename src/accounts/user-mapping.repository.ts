import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

export interface UserMapping {
  rcExtensionId: string;
  crmUserId: string;
  crmUserName?: string;
  crmUserEmail?: string;
  source: 'auto' | 'manual';
}

/** RingCentral extension -> CRM user (record owner), per account. Several extensions may map to one CRM user. */
@Injectable()
export class UserMappingRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(accountId: string, rcExtensionId: string): Promise<UserMapping | undefined> {
    const [row] = await this.dataSource.query('SELECT * FROM user_mappings WHERE account_id = $1 AND rc_extension_id = $2', [accountId, rcExtensionId]);
    return row ? toMapping(row) : undefined;
  }

  async list(accountId: string): Promise<UserMapping[]> {
    const rows = await this.dataSource.query('SELECT * FROM user_mappings WHERE account_id = $1 ORDER BY rc_extension_id', [accountId]);
    return rows.map(toMapping);
  }

  async upsert(accountId: string, mappings: UserMapping[]): Promise<void> {
    await upsertRows(this.dataSource.manager, accountId, mappings);
  }

  async deleteForExtensions(accountId: string, rcExtensionIds: string[]): Promise<void> {
    if (!rcExtensionIds.length) return;
    await this.dataSource.query('DELETE FROM user_mappings WHERE account_id = $1 AND rc_extension_id = ANY($2)', [accountId, rcExtensionIds]);
  }

  /** In one transaction: drops the rows of `dropSources`, then upserts `mappings` (re-initialising auto-matching). */
  async replaceBySource(accountId: string, dropSources: ('auto' | 'manual')[], mappings: UserMapping[]): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.query('DELETE FROM user_mappings WHERE account_id = $1 AND source = ANY($2)', [accountId, dropSources]);
      await upsertRows(m, accountId, mappings);
    });
  }

  async deleteBySource(accountId: string, sources: ('auto' | 'manual')[]): Promise<void> {
    await this.dataSource.query('DELETE FROM user_mappings WHERE account_id = $1 AND source = ANY($2)', [accountId, sources]);
  }
}

async function upsertRows(manager: EntityManager, accountId: string, mappings: UserMapping[]): Promise<void> {
  if (!mappings.length) return;
  await manager.query(
    `INSERT INTO user_mappings (account_id, rc_extension_id, crm_user_id, crm_user_name, crm_user_email, source)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
     ON CONFLICT (account_id, rc_extension_id) DO UPDATE SET crm_user_id = EXCLUDED.crm_user_id, crm_user_name = EXCLUDED.crm_user_name,
       crm_user_email = EXCLUDED.crm_user_email, source = EXCLUDED.source, updated_at = now()`,
    [
      accountId,
      mappings.map((m) => m.rcExtensionId),
      mappings.map((m) => m.crmUserId),
      mappings.map((m) => m.crmUserName ?? null),
      mappings.map((m) => m.crmUserEmail ?? null),
      mappings.map((m) => m.source),
    ],
  );
}

function toMapping(r: Record<string, string | null>): UserMapping {
  return {
    rcExtensionId: r.rc_extension_id!,
    crmUserId: r.crm_user_id!,
    crmUserName: r.crm_user_name ?? undefined,
    crmUserEmail: r.crm_user_email ?? undefined,
    source: r.source as 'auto' | 'manual',
  };
}
