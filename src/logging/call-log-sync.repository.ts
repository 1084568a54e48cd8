import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows';
import type { InProgressCall, RecordLeg } from './call-record-legs';

export interface SyncState {
  watermark: Date | null;
  lastRunAt: Date | null;
  lastSuccessAt: Date | null;
  lastError: string | null;
}

export interface SyncRun {
  watermark?: Date;
  success: boolean;
  error: string | null;
  lagSeconds: number;
  recordsRead: number;
  requests: number;
  leftOut?: { from: Date; to: Date };
}

/** What one merge changed on a row, for its timeline. */
export interface MergedRow {
  id: string;
  firstMerge: boolean;
  recordingState: string;
  recordId: string;
  duration: number;
  result: string;
}

/** Per-account sync state (call_log_sync) and the call_logs writes the call-log sync makes. */
@Injectable()
export class CallLogSyncRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async state(accountId: string): Promise<SyncState | undefined> {
    const [row] = await this.dataSource.query('SELECT watermark, last_run_at, last_success_at, last_error FROM call_log_sync WHERE account_id = $1', [accountId]);
    return row && { watermark: row.watermark, lastRunAt: row.last_run_at, lastSuccessAt: row.last_success_at, lastError: row.last_error };
  }

  /** The earliest start among legs still waiting on their record or recording (the read reaches back to them). */
  async oldestOpenStart(accountId: string, endedAfter: Date): Promise<Date | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT min(started_at) AS at FROM call_logs
       WHERE account_id = $1 AND (record_state = 'waiting' OR recording_state = 'waiting') AND call_ended_at > $2`,
      [accountId, endedAfter],
    );
    return row?.at ?? undefined;
  }

  /** Calls seen "In Progress" with an agent leg: read again until their record is final (see open-call-reads.ts). */
  async rememberInProgress(tx: EntityManager, accountId: string, calls: InProgressCall[]): Promise<void> {
    if (!calls.length) return;
    await tx.query(
      `INSERT INTO call_log_open_records (account_id, telephony_session_id, start_time)
       SELECT $1, * FROM unnest($2::text[], $3::timestamptz[])
       ON CONFLICT (account_id, telephony_session_id) DO UPDATE SET start_time = LEAST(call_log_open_records.start_time, EXCLUDED.start_time)`,
      [accountId, calls.map((c) => c.telephonySessionId), calls.map((c) => c.startTime)],
    );
  }

  /** Calls whose final record is in (merged or reconciled): nothing more to read for them. */
  async forgetInProgress(tx: EntityManager, accountId: string, telephonySessionIds: string[]): Promise<void> {
    if (!telephonySessionIds.length) return;
    await tx.query('DELETE FROM call_log_open_records WHERE account_id = $1 AND telephony_session_id = ANY($2)', [accountId, telephonySessionIds]);
  }

  /** Up to `limit` remembered calls started before the window (and within the backfill bound), least recently read first. */
  async dueInProgress(accountId: string, before: Date, floor: Date, limit: number): Promise<{ telephonySessionId: string; startTime: Date }[]> {
    const rows: { telephony_session_id: string; start_time: Date }[] = await this.dataSource.query(
      `SELECT telephony_session_id, start_time FROM call_log_open_records
       WHERE account_id = $1 AND start_time < $2 AND start_time >= $3 ORDER BY checked_at NULLS FIRST, start_time LIMIT $4`,
      [accountId, before, floor, limit],
    );
    return rows.map((r) => ({ telephonySessionId: r.telephony_session_id, startTime: r.start_time }));
  }

  async markInProgressChecked(accountId: string, telephonySessionIds: string[]): Promise<void> {
    if (!telephonySessionIds.length) return;
    await this.dataSource.query('UPDATE call_log_open_records SET checked_at = now() WHERE account_id = $1 AND telephony_session_id = ANY($2)', [accountId, telephonySessionIds]);
  }

  /** Calls still open past CALL_LOG_BACKFILL_MAX_HOURS are no longer read: dropped; returns the oldest start dropped. */
  async dropInProgressBefore(accountId: string, floor: Date): Promise<Date | undefined> {
    const [row] = await this.dataSource.query(
      `WITH gone AS (DELETE FROM call_log_open_records WHERE account_id = $1 AND start_time < $2 RETURNING start_time)
       SELECT min(start_time) AS at FROM gone`,
      [accountId, floor],
    );
    return row?.at ?? undefined;
  }

  async saveRun(accountId: string, run: SyncRun): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO call_log_sync AS s (account_id, watermark, last_run_at, last_success_at, last_error, lag_seconds, records_read, requests, left_out_from, left_out_to, updated_at)
       VALUES ($1, $2, now(), CASE WHEN $3 THEN now() END, $4, $5, $6, $7, $8, $9, now())
       ON CONFLICT (account_id) DO UPDATE SET
         watermark = COALESCE(EXCLUDED.watermark, s.watermark), last_run_at = now(),
         last_success_at = COALESCE(EXCLUDED.last_success_at, s.last_success_at), last_error = EXCLUDED.last_error,
         lag_seconds = EXCLUDED.lag_seconds, records_read = EXCLUDED.records_read, requests = EXCLUDED.requests,
         left_out_from = COALESCE(EXCLUDED.left_out_from, s.left_out_from), left_out_to = COALESCE(EXCLUDED.left_out_to, s.left_out_to),
         updated_at = now()`,
      [accountId, run.watermark ?? null, run.success, run.error?.slice(0, 2000) ?? null, run.lagSeconds, run.recordsRead, run.requests, run.leftOut?.from ?? null, run.leftOut?.to ?? null],
    );
  }

  /**
   * Merges final records into the rows of the same (account, session, extension); a row changes only when the record
   * says something new. A row expecting a recording (the events said recorded) or a voicemail waits for it.
   */
  async merge(tx: EntityManager, accountId: string, legs: RecordLeg[]): Promise<MergedRow[]> {
    if (!legs.length) return [];
    const col = <T>(pick: (l: RecordLeg) => T) => legs.map(pick);
    return (
      await queryRows(
        tx,
        `WITH input AS (
           SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[])
             AS i(tsid, ext, record_id, duration, result, recording_link, voicemail_link)
         ), old AS (
           SELECT c.id, c.record_state AS old_state FROM call_logs c JOIN input i ON c.telephony_session_id = i.tsid AND c.rc_extension_id = i.ext
           WHERE c.account_id = $1 FOR UPDATE OF c
         )
         UPDATE call_logs c SET
           record_state = 'merged', record_id = i.record_id, record_duration = i.duration, record_result = i.result,
           recording_link = COALESCE(i.recording_link, c.recording_link), voicemail_link = COALESCE(i.voicemail_link, c.voicemail_link),
           recording_state = CASE
             WHEN COALESCE(i.recording_link, i.voicemail_link, c.recording_link, c.voicemail_link) IS NOT NULL THEN 'ready'
             WHEN c.recording_state = 'missing' THEN 'missing'
             WHEN c.recorded OR c.kind = 'voicemail' THEN 'waiting'
             ELSE 'none' END,
           record_merged_at = COALESCE(c.record_merged_at, now()), updated_at = now()
         FROM input i, old o
         WHERE c.id = o.id AND c.telephony_session_id = i.tsid AND c.rc_extension_id = i.ext AND (
           c.record_state <> 'merged' OR c.record_duration IS DISTINCT FROM i.duration OR c.record_result IS DISTINCT FROM i.result
           OR (i.recording_link IS NOT NULL AND c.recording_link IS DISTINCT FROM i.recording_link)
           OR (i.voicemail_link IS NOT NULL AND c.voicemail_link IS DISTINCT FROM i.voicemail_link))
         RETURNING c.id, o.old_state, c.recording_state, c.record_id, c.record_duration, c.record_result`,
        [accountId, col((l) => l.telephonySessionId), col((l) => l.extensionId), col((l) => l.recordId), col((l) => l.duration), col((l) => l.result), col((l) => l.recordingLink ?? null), col((l) => l.voicemailLink ?? null)],
      )
    ).map((r) => ({ id: r.id, firstMerge: r.old_state !== 'merged', recordingState: r.recording_state, recordId: r.record_id, duration: r.record_duration, result: r.record_result }));
  }

  /**
   * Legs the events have already decided, by (telephonySessionId|extensionId): a row exists, or the person's party
   * in that session ended Gone — it moved into another session (a conference, a completed warm transfer), where the
   * conversation goes on and is logged once (detect-ended-leg.ts). The call log still lists such a person's time in
   * the first session; reconciling it would log one conversation twice.
   */
  async decided(tx: EntityManager, accountId: string, legs: RecordLeg[]): Promise<Set<string>> {
    if (!legs.length) return new Set();
    const rows: { telephony_session_id: string; rc_extension_id: string }[] = await tx.query(
      `WITH k(tsid, ext) AS (SELECT * FROM unnest($2::text[], $3::text[]))
       SELECT c.telephony_session_id, c.rc_extension_id FROM call_logs c JOIN k ON c.telephony_session_id = k.tsid AND c.rc_extension_id = k.ext
        WHERE c.account_id = $1
       UNION
       SELECT p.telephony_session_id, p.extension_id FROM call_parties p JOIN k ON p.telephony_session_id = k.tsid AND p.extension_id = k.ext
        WHERE p.account_id = $1 AND p.status_code = 'Gone'`,
      [accountId, legs.map((l) => l.telephonySessionId), legs.map((l) => l.extensionId)],
    );
    return new Set(rows.map((r) => `${r.telephony_session_id}|${r.rc_extension_id}`));
  }

  /**
   * Sessions among these with notifications still waiting in the inbox to be folded: their legs are not decided yet
   * (in a burst the fold can run further behind than the reconciliation grace), so they are not reconciled now.
   */
  async unfoldedSessions(tx: EntityManager, accountId: string, telephonySessionIds: string[]): Promise<Set<string>> {
    if (!telephonySessionIds.length) return new Set();
    const rows: { telephony_session_id: string }[] = await tx.query(
      `SELECT DISTINCT telephony_session_id FROM inbound_events
        WHERE folded_at IS NULL AND quarantined_at IS NULL AND account_id = $1 AND telephony_session_id = ANY($2::text[])`,
      [accountId, telephonySessionIds],
    );
    return new Set(rows.map((r) => r.telephony_session_id));
  }

  /** Rows for legs only the call log showed (source call-log, record already merged); a row made meanwhile wins. */
  async insertReconciled(tx: EntityManager, accountId: string, legs: RecordLeg[]): Promise<{ id: string; leg: RecordLeg }[]> {
    if (!legs.length) return [];
    const col = <T>(pick: (l: RecordLeg) => T) => legs.map(pick);
    const rows: { id: string; telephony_session_id: string; rc_extension_id: string }[] = await tx.query(
      `INSERT INTO call_logs (account_id, telephony_session_id, session_id, rc_extension_id, party_id, direction, kind, result,
         internal, other_number, other_name, agent_number, started_at, answered_at, call_ended_at, talk_seconds, recorded, queue_call,
         source, record_state, record_id, record_duration, record_result, recording_state, recording_link, voicemail_link, record_merged_at)
       SELECT $1, i.tsid, i.sid, i.ext, i.party, i.direction, i.kind, i.result, i.internal, i.other_number, i.other_name, i.agent_number,
         i.started, CASE WHEN i.kind = 'answered' THEN i.started END, i.ended, i.duration, i.recording_link IS NOT NULL, false,
         'call-log', 'merged', i.record_id, i.duration, i.result,
         CASE WHEN i.recording_link IS NOT NULL OR i.voicemail_link IS NOT NULL THEN 'ready' ELSE 'none' END, i.recording_link, i.voicemail_link, now()
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::boolean[], $10::text[], $11::text[],
         $12::text[], $13::timestamptz[], $14::timestamptz[], $15::int[], $16::text[], $17::text[], $18::text[])
         AS i(tsid, sid, ext, party, direction, kind, result, internal, other_number, other_name, agent_number, started, ended, duration, record_id, recording_link, voicemail_link)
       ON CONFLICT (account_id, telephony_session_id, rc_extension_id) DO NOTHING
       RETURNING id, telephony_session_id, rc_extension_id`,
      [
        accountId,
        col((l) => l.telephonySessionId),
        col((l) => l.sessionId ?? null),
        col((l) => l.extensionId),
        col((l) => l.partyId ?? `record:${l.recordId}`),
        col((l) => l.direction),
        col((l) => l.kind),
        col((l) => l.result),
        col((l) => l.internal),
        col((l) => l.otherNumber ?? null),
        col((l) => l.otherName ?? null),
        col((l) => l.agentNumber ?? null),
        col((l) => l.startTime),
        col((l) => l.endTime),
        col((l) => l.duration),
        col((l) => l.recordId),
        col((l) => l.recordingLink ?? null),
        col((l) => l.voicemailLink ?? null),
      ],
    );
    const byKey = new Map(legs.map((l) => [`${l.telephonySessionId}|${l.extensionId}`, l]));
    return rows.map((r) => ({ id: r.id, leg: byKey.get(`${r.telephony_session_id}|${r.rc_extension_id}`)! }));
  }

  /** Legs whose record never came within the wait: decided by what the events gave. */
  async markRecordsNotFound(tx: EntityManager, accountId: string, endedBefore: Date): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      tx,
      `UPDATE call_logs SET record_state = 'not-found',
         update_state = CASE WHEN status = 'logged' THEN COALESCE(update_state, 'not-needed') ELSE update_state END, updated_at = now()
       WHERE account_id = $1 AND record_state = 'waiting' AND call_ended_at < $2 RETURNING id`,
      [accountId, endedBefore],
    );
    return rows.map((r) => r.id);
  }

  /** Recordings (or voicemails) still not there after the wait: the log goes on without them. */
  async markRecordingsMissing(tx: EntityManager, accountId: string, endedBefore: Date): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      tx,
      `UPDATE call_logs SET recording_state = 'missing', updated_at = now()
       WHERE account_id = $1 AND recording_state = 'waiting' AND call_ended_at < $2 RETURNING id`,
      [accountId, endedBefore],
    );
    return rows.map((r) => r.id);
  }

  /** Staged mode: logged legs whose final record (and recording, or its wait) is in, taken for their one update. */
  async takeStagedUpdates(tx: EntityManager, accountId: string): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      tx,
      `UPDATE call_logs SET update_state = 'pending', updated_at = now()
       WHERE account_id = $1 AND status = 'logged' AND update_state IS NULL AND record_state = 'merged' AND recording_state <> 'waiting'
       RETURNING id`,
      [accountId],
    );
    return rows.map((r) => r.id);
  }

  /** Single mode: legs waiting for their record that can be logged now (record ready, or the wait is over). */
  async takeReadySingles(tx: EntityManager, accountId: string): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      tx,
      `UPDATE call_logs SET reason = 'record-ready', next_attempt_at = NULL, updated_at = now()
       WHERE account_id = $1 AND status = 'pending' AND reason = 'waiting-for-record'
         AND ((record_state = 'merged' AND recording_state <> 'waiting') OR next_attempt_at <= now())
       RETURNING id`,
      [accountId],
    );
    return rows.map((r) => r.id);
  }

  async appendTimelines(tx: EntityManager, entries: { callLogId: string; kind: string; detail: Record<string, unknown> }[]): Promise<void> {
    if (!entries.length) return;
    await tx.query(
      `INSERT INTO call_log_events (call_log_id, kind, detail) SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[])`,
      [entries.map((e) => e.callLogId), entries.map((e) => e.kind), entries.map((e) => JSON.stringify(e.detail))],
    );
  }
}
