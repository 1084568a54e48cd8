import { DataSource, type EntityManager } from 'typeorm';

/**
 * The rows a statement returns, whatever the command: TypeORM's postgres driver answers UPDATE/DELETE ... RETURNING
 * with `[rows, rowCount]` but INSERT/SELECT with `rows`, which is easy to get wrong. Only a QueryRunner offers the
 * structured result, so one is borrowed (or the transaction's own is used).
 */
export async function queryRows<T = Record<string, any>>(db: DataSource | EntityManager, sql: string, parameters: unknown[] = []): Promise<T[]> {
  const own = db instanceof DataSource ? undefined : db.queryRunner;
  const runner = own ?? (db instanceof DataSource ? db : db.connection).createQueryRunner();
  try {
    const result = await runner.query(sql, parameters, true);
    return (result.records ?? []) as T[];
  } finally {
    if (!own) await runner.release();
  }
}
