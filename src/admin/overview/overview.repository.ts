import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { DayCountsDto, ReasonCountDto } from './overview.dto';

/** Aggregates of the account's call_logs for the overview (read model, like AdminCallLogRepository). */
@Injectable()
export class OverviewRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Counts per UTC day of call end since `from`; days without calls are absent. */
  async perDay(accountId: string, from: Date): Promise<DayCountsDto[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT to_char(call_ended_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
              count(*) FILTER (WHERE status = 'logged')::int AS logged,
              count(*) FILTER (WHERE status = 'skipped')::int AS skipped,
              count(*) FILTER (WHERE status = 'failed')::int AS failed,
              count(*) FILTER (WHERE status IN ('pending', 'logging'))::int AS pending
         FROM call_logs WHERE account_id = $1 AND call_ended_at >= $2
        GROUP BY 1 ORDER BY 1`,
      [accountId, from],
    );
    return rows.map((r) => ({ day: r.day as string, logged: r.logged as number, skipped: r.skipped as number, failed: r.failed as number, pending: r.pending as number }));
  }

  async topReasons(accountId: string, status: 'skipped' | 'failed', from: Date, limit = 5): Promise<ReasonCountDto[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT coalesce(reason, 'unknown') AS reason, count(*)::int AS count
         FROM call_logs WHERE account_id = $1 AND status = $2 AND call_ended_at >= $3
        GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $4`,
      [accountId, status, from, limit],
    );
    return rows.map((r) => ({ reason: r.reason as string, count: r.count as number }));
  }
}
