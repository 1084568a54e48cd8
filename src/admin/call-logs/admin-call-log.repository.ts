import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { queryRows } from '../../database/query-rows';
import { type CallLogRow, type CallLogStatus, toCallLogRow } from '../../accounts/call-log-row';
import type { CallLogCursor } from './call-log-cursor';

export type { CallLogStatus };

export interface CallLogFilter {
  statuses?: CallLogStatus[];
  direction?: 'Inbound' | 'Outbound';
  /** call_ended_at >= from */
  from?: Date;
  /** call_ended_at < to */
  to?: Date;
  rcExtensionId?: string;
  source?: 'events' | 'call-log';
  /** Digits that the other party's number contains. */
  numberPart?: string;
}

export interface CallLogView extends CallLogRow {
  /** Keyset position of the row (microseconds, UTC). */
  cursor: CallLogCursor;
}

export interface CallLogEventView {
  at: Date;
  kind: string;
  detail: Record<string, unknown>;
}

/** A folded party of a call's telephony session (call_parties.state), as far as admins need it. */
export interface PartyView {
  partyId: string;
  extensionId?: string;
  direction?: string;
  status?: { code?: string; reason?: string };
  missedCall?: boolean;
  queueCall?: boolean;
  history?: { sequence: number; code: string; reason?: string; eventTime: string }[];
}

const ENDED_KEY = `to_char(call_ended_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const COLUMNS = `*, ${ENDED_KEY} AS ended_key`;

function toView(r: Record<string, any>): CallLogView {
  return { ...toCallLogRow(r), cursor: { endedAt: r.ended_key, id: r.id } };
}

/** `WHERE` conditions for a filter; parameters are appended to `values` (the account id is always $1). */
function conditions(filter: CallLogFilter, values: unknown[]): string[] {
  const where = ['account_id = $1'];
  const add = (sql: string, value: unknown) => {
    values.push(value);
    where.push(sql.replace('?', `$${values.length}`));
  };
  if (filter.statuses?.length) add('status = ANY(?)', filter.statuses);
  if (filter.direction) add('direction = ?', filter.direction);
  if (filter.from) add('call_ended_at >= ?', filter.from);
  if (filter.to) add('call_ended_at < ?', filter.to);
  if (filter.rcExtensionId) add('rc_extension_id = ?', filter.rcExtensionId);
  if (filter.source) add('source = ?', filter.source);
  if (filter.numberPart) add("regexp_replace(coalesce(other_number, ''), '\\D', '', 'g') LIKE ?", `%${filter.numberPart}%`);
  return where;
}

/**
 * Read model of call_logs, call_log_events and call_parties for the admin API (the logging and subscriptions
 * features own those tables and may not be imported from admin). Its one write is the admin's retry: a failed or
 * skipped row back to pending, with the decision on the call's timeline.
 */
@Injectable()
export class AdminCallLogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Newest call first (call_ended_at DESC, then id), `limit` rows after `cursor`. */
  async list(accountId: string, filter: CallLogFilter, cursor: CallLogCursor | undefined, limit: number): Promise<CallLogView[]> {
    const values: unknown[] = [accountId];
    const where = conditions(filter, values);
    if (cursor) {
      values.push(cursor.endedAt, cursor.id);
      const [at, id] = [`$${values.length - 1}::timestamptz`, `$${values.length}::uuid`];
      where.push(`(call_ended_at < ${at} OR (call_ended_at = ${at} AND id > ${id}))`);
    }
    values.push(limit);
    const rows = await this.dataSource.query(`SELECT ${COLUMNS} FROM call_logs WHERE ${where.join(' AND ')} ORDER BY call_ended_at DESC, id LIMIT $${values.length}`, values);
    return rows.map(toView);
  }

  async countMatching(accountId: string, filter: CallLogFilter): Promise<number> {
    const values: unknown[] = [accountId];
    const [row] = await this.dataSource.query(`SELECT count(*)::int AS n FROM call_logs WHERE ${conditions(filter, values).join(' AND ')}`, values);
    return row.n;
  }

  async findById(accountId: string, id: string): Promise<CallLogView | undefined> {
    const [row] = await this.dataSource.query(`SELECT ${COLUMNS} FROM call_logs WHERE account_id = $1 AND id = $2`, [accountId, id]);
    return row ? toView(row) : undefined;
  }

  async events(accountId: string, callLogId: string): Promise<CallLogEventView[]> {
    const rows = await this.dataSource.query(
      `SELECT e.at, e.kind, e.detail FROM call_log_events e JOIN call_logs c ON c.id = e.call_log_id
       WHERE c.account_id = $1 AND e.call_log_id = $2 ORDER BY e.id`,
      [accountId, callLogId],
    );
    return rows.map((r: { at: Date; kind: string; detail: Record<string, unknown> | null }) => ({ at: r.at, kind: r.kind, detail: r.detail ?? {} }));
  }

  async sessionParties(accountId: string, telephonySessionId: string): Promise<PartyView[]> {
    const rows: { state: PartyView }[] = await this.dataSource.query(
      'SELECT state FROM call_parties WHERE account_id = $1 AND telephony_session_id = $2 ORDER BY party_id',
      [accountId, telephonySessionId],
    );
    return rows.map((r) => r.state);
  }

  /**
   * Puts failed or skipped rows back to pending (attempts kept, so the error policy still sees the history), notes
   * the admin's retry on each timeline and lets `enqueue` queue their jobs, all in one transaction: a row is pending
   * again if and only if its job exists. Selects by `ids` or by `filter` (newest first, at most `limit`).
   */
  async resetForRetry(
    accountId: string,
    selection: { ids: string[] } | { filter: CallLogFilter },
    limit: number,
    enqueue: (ids: string[], manager: EntityManager) => Promise<void>,
  ): Promise<{ id: string; previousStatus: string; previousReason: string | null }[]> {
    return this.dataSource.transaction(async (manager) => {
      const values: unknown[] = [accountId];
      const where = 'ids' in selection ? ['account_id = $1', `id = ANY($${values.push(selection.ids)})`] : conditions(selection.filter, values);
      where.push(`status IN ('failed', 'skipped')`);
      values.push(limit);
      const rows = await queryRows<{ id: string; previous_status: string; previous_reason: string | null }>(
        manager,
        `WITH picked AS (
           SELECT id, status, reason FROM call_logs WHERE ${where.join(' AND ')}
           ORDER BY call_ended_at DESC, id LIMIT $${values.length} FOR UPDATE SKIP LOCKED
         )
         UPDATE call_logs c SET status = 'pending', reason = NULL, next_attempt_at = NULL, updated_at = now()
         FROM picked WHERE c.id = picked.id
         RETURNING c.id, picked.status AS previous_status, picked.reason AS previous_reason`,
        values,
      );
      if (!rows.length) return [];
      await manager.query(
        `INSERT INTO call_log_events (call_log_id, kind, detail) SELECT id, 'retry-requested', detail FROM unnest($1::uuid[], $2::jsonb[]) AS t(id, detail)`,
        [rows.map((r) => r.id), rows.map((r) => JSON.stringify({ by: 'admin', previousStatus: r.previous_status, previousReason: r.previous_reason }))],
      );
      await enqueue(
        rows.map((r) => r.id),
        manager,
      );
      return rows.map((r) => ({ id: r.id, previousStatus: r.previous_status, previousReason: r.previous_reason }));
    });
  }
}
