import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';

/** Rows deleted per statement: short transactions and locks, whatever the backlog. */
export const RETENTION_BATCH = 2_000;
/** Batches per table per tick: a first run on a large database catches up over a few ticks, never in one long one. */
export const RETENTION_MAX_BATCHES = 10;

/** What is purged, by which timestamp. The call_logs rows themselves (the call log report) are kept. */
const PURGES: { table: string; key: string; where: string }[] = [
  // Raw RingCentral notifications, by arrival.
  { table: 'inbound_events', key: 'id', where: 'received_at < $1' },
  // Folded party state of sessions that have been quiet since.
  { table: 'call_parties', key: 'ctid', where: 'updated_at < $1' },
  // Timelines (events folded, decisions, CRM calls) of calls that are settled: a call still pending keeps its history.
  {
    table: 'call_log_events',
    key: 'id',
    where: `at < $1 AND NOT EXISTS (SELECT 1 FROM call_logs l WHERE l.id = call_log_events.call_log_id AND l.status IN ('pending', 'logging'))`,
  },
  // Which replica handled which housekeeping tick.
  { table: 'housekeeping_runs', key: 'ctid', where: 'tick_at < $1' },
];

/**
 * Keeps data only as long as needed: rows older than RETENTION_DAYS are deleted by the housekeeping tick, in bounded
 * batches. Expired shared-limit rows (lapsed CRM slot leases, past rate-limit penalties) go at every tick.
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger(RetentionService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  /** Purges what is older than the retention period before `now`; returns the rows deleted per table. */
  async purge(now: Date = new Date()): Promise<Record<string, number>> {
    const cutoff = new Date(now.getTime() - this.config.get('app', { infer: true }).retentionDays * 86_400_000);
    const deleted: Record<string, number> = {};
    for (const { table, key, where } of PURGES) {
      deleted[table] = 0;
      for (let batch = 0; batch < RETENTION_MAX_BATCHES; batch += 1) {
        const result: [unknown[], number] = await this.dataSource.query(
          `DELETE FROM ${table} WHERE ${key} = ANY(ARRAY(SELECT ${key} FROM ${table} WHERE ${where} LIMIT ${RETENTION_BATCH}))`,
          [cutoff],
        );
        deleted[table] += result[1];
        if (result[1] < RETENTION_BATCH) break;
      }
    }
    await this.dataSource.query('DELETE FROM crm_concurrency_slots WHERE lease_until < $1', [now]);
    await this.dataSource.query('DELETE FROM rate_limit_penalties WHERE closed_until < $1', [now]);
    if (Object.values(deleted).some((n) => n > 0)) this.logger.log({ deleted, retentionDays: this.config.get('app', { infer: true }).retentionDays }, 'purged data past its retention period');
    return deleted;
  }
}
