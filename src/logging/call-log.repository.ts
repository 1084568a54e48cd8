import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows } from '../database/query-rows';
import { toCallLogRow } from '../accounts/call-log-row';
import type { CallLogRecord } from './call-log.types';

export interface TimelineEntry {
  kind: string;
  detail?: Record<string, unknown>;
  at?: Date;
}

/**
 * call_logs status transitions (pending -> logging -> logged | skipped | failed) and each call's timeline.
 *
 * A transition given the attempt's timeline writes the entries gathered so far in the same statement as the state it
 * explains, and takes them out of the array: a process that dies right after it cannot leave a call logged, skipped
 * or failed without the decisions that made it so. What is added later goes in with `appendTimeline`.
 */
@Injectable()
export class CallLogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Takes the row for one attempt: pending, or left in `logging` by a crashed attempt (the CRM's idempotency key
   * makes the repeat safe). Logged and skipped rows are final and never taken again.
   */
  async claim(id: string): Promise<CallLogRecord | undefined> {
    const [row] = await queryRows(
      this.dataSource,
      `UPDATE call_logs SET status = 'logging', attempts = attempts + 1, next_attempt_at = NULL, updated_at = now()
       WHERE id = $1 AND status IN ('pending', 'logging') RETURNING *`,
      [id],
    );
    return row ? toCallLogRow(row) : undefined;
  }

  async findById(accountId: string, id: string): Promise<CallLogRecord | undefined> {
    const [row] = await this.dataSource.query('SELECT * FROM call_logs WHERE account_id = $1 AND id = $2', [accountId, id]);
    return row ? toCallLogRow(row) : undefined;
  }

  /** `updateState: 'not-needed'`: the create already carried the final record (single mode, reconciliation). */
  async markLogged(
    id: string,
    outcome: { crmLogId: string; contactId?: string; crmUserId: string; ownerSource: string; reason?: string; updateState?: 'not-needed' },
    timeline?: TimelineEntry[],
  ): Promise<void> {
    await this.transition(
      `UPDATE call_logs SET status = 'logged', crm_log_id = $2, contact_id = $3, crm_user_id = $4, owner_source = $5, reason = $6,
         last_error = NULL, logged_at = now(), updated_at = now(), update_state = COALESCE($7, update_state) WHERE id = $1`,
      [id, outcome.crmLogId, outcome.contactId ?? null, outcome.crmUserId, outcome.ownerSource, outcome.reason ?? null, outcome.updateState ?? null],
      timeline,
    );
  }

  /** Takes a logged row for its one staged update (pending, or left `updating` by a crashed attempt). */
  async claimUpdate(id: string): Promise<CallLogRecord | undefined> {
    const [row] = await queryRows(
      this.dataSource,
      `UPDATE call_logs SET update_state = 'updating', updated_at = now()
       WHERE id = $1 AND status = 'logged' AND crm_log_id IS NOT NULL AND update_state IN ('pending', 'updating') RETURNING *`,
      [id],
    );
    return row ? toCallLogRow(row) : undefined;
  }

  async markUpdated(id: string, timeline?: TimelineEntry[]): Promise<void> {
    await this.transition(`UPDATE call_logs SET update_state = 'updated', crm_updated_at = now(), last_error = NULL, updated_at = now() WHERE id = $1`, [id], timeline);
  }

  /** The update waits (retry at `at`) or, with `at` null, failed for good; the CRM keeps the created log. */
  async markUpdateFailed(id: string, error: string, at: Date | null, timeline?: TimelineEntry[]): Promise<void> {
    await this.transition(
      `UPDATE call_logs SET update_state = $3, last_error = $2, next_attempt_at = $4, updated_at = now() WHERE id = $1`,
      [id, error.slice(0, 2000), at ? 'pending' : 'failed', at],
      timeline,
    );
  }

  async markSkipped(id: string, reason: string, timeline?: TimelineEntry[]): Promise<void> {
    await this.transition(`UPDATE call_logs SET status = 'skipped', reason = $2, updated_at = now() WHERE id = $1`, [id, reason], timeline);
  }

  async markFailed(id: string, error: string, reason?: string, timeline?: TimelineEntry[]): Promise<void> {
    await this.transition(
      `UPDATE call_logs SET status = 'failed', last_error = $2, reason = COALESCE($3, reason), updated_at = now() WHERE id = $1`,
      [id, error.slice(0, 2000), reason ?? null],
      timeline,
    );
  }

  /** Back to pending with the error that delayed it; `nextAttemptAt` null means "waits for the admin" (paused). */
  async markWaiting(id: string, error: string, nextAttemptAt: Date | null, reason?: string, timeline?: TimelineEntry[]): Promise<void> {
    await this.transition(
      `UPDATE call_logs SET status = 'pending', last_error = $2, next_attempt_at = $3, reason = COALESCE($4, reason), updated_at = now() WHERE id = $1`,
      [id, error.slice(0, 2000), nextAttemptAt, reason ?? null],
      timeline,
    );
  }

  /** `update` (an UPDATE of one call_logs row by id), with the timeline's entries so far in the same statement. */
  private async transition(update: string, params: unknown[], timeline?: TimelineEntry[]): Promise<void> {
    const entries = timeline ? [...timeline] : [];
    if (!entries.length) {
      await this.dataSource.query(update, params);
      return;
    }
    const n = params.length;
    await this.dataSource.query(
      `WITH changed AS (${update} RETURNING id)
       INSERT INTO call_log_events (call_log_id, at, kind, detail)
       SELECT changed.id, e.* FROM changed, unnest($${n + 1}::timestamptz[], $${n + 2}::text[], $${n + 3}::jsonb[]) AS e`,
      [...params, ...timelineColumns(entries)],
    );
    // Only once written: entries a failed statement did not write stay for the attempt's last appendTimeline.
    timeline!.splice(0, entries.length);
  }

  /** Rows parked while the account was paused, to enqueue again once its settings change. */
  async findParked(accountId: string, limit = 10_000): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM call_logs WHERE account_id = $1 AND status = 'pending' AND next_attempt_at IS NULL AND attempts > 0 ORDER BY call_ended_at LIMIT $2`,
      [accountId, limit],
    );
    return rows.map((r) => r.id);
  }

  async appendTimeline(callLogId: string, entries: TimelineEntry[]): Promise<void> {
    if (!entries.length) return;
    await this.dataSource.query(
      `INSERT INTO call_log_events (call_log_id, at, kind, detail) SELECT $1, * FROM unnest($2::timestamptz[], $3::text[], $4::jsonb[])`,
      [callLogId, ...timelineColumns(entries)],
    );
  }
}

/** Entries as the three arrays call_log_events is written from: when, what, and its detail as JSON. */
function timelineColumns(entries: TimelineEntry[]): [Date[], string[], string[]] {
  return [entries.map((e) => e.at ?? new Date()), entries.map((e) => e.kind), entries.map((e) => JSON.stringify(e.detail ?? {}))];
}
