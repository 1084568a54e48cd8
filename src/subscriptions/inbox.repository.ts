import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { truncateText } from '../common/text/storable-text';

/** An inbox row claimed for folding. */
export interface ClaimedEvent {
  id: string;
  accountId: string;
  /** The notification's JSON text, as stored at intake. */
  payloadJson: string;
  intakeProblem: string | null;
}

export interface FoldFailure {
  quarantined: boolean;
  attempts: number;
}

/** Longest quarantine reason stored (a parser message names one field; an exception's message may be anything). */
const MAX_REASON = 1000;

/**
 * inbound_events as the fold queue. A row is claimed with `FOR UPDATE SKIP LOCKED` inside the fold's transaction, so
 * it is folded (or quarantined) exactly when that transaction commits; a worker that dies releases its rows with its
 * connection and another claims them.
 */
@Injectable()
export class InboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Up to `limit` unfolded rows, oldest first, that no other worker holds (or only `id`, when given).
   *
   * The claim must walk the unfolded rows' index in id order and stop at `limit`. When the table's statistics were
   * taken while the inbox was nearly folded (the usual case: a burst, or the catch-up after an outage, arrives between
   * two ANALYZEs) and folding has scattered the rows' versions over the table, the planner expects a few unfolded rows
   * and prefers reading every unfolded row and sorting them: each claim then costs the whole backlog (15-80 ms with
   * temporary files in the benchmark's burst, bench/README.md).
   * Settings local to the claim rule those plans out; RESET gives the fold's other statements the usual planner.
   */
  async claim(tx: EntityManager, limit: number, id?: string): Promise<ClaimedEvent[]> {
    await tx.query('SET LOCAL enable_bitmapscan = off; SET LOCAL enable_sort = off; SET LOCAL enable_seqscan = off');
    const rows: { id: string; account_id: string; payload: string; intake_problem: string | null }[] = await tx.query(
      `SELECT id, account_id, payload, intake_problem FROM inbound_events
        WHERE folded_at IS NULL AND quarantined_at IS NULL AND (fold_after IS NULL OR fold_after <= now())
          AND ($2::bigint IS NULL OR id = $2::bigint)
        ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit, id ?? null],
    );
    await tx.query('RESET enable_bitmapscan; RESET enable_sort; RESET enable_seqscan');
    return rows.map((r) => ({ id: String(r.id), accountId: r.account_id, payloadJson: r.payload, intakeProblem: r.intake_problem }));
  }

  async markFolded(tx: EntityManager, ids: string[]): Promise<void> {
    if (ids.length) await tx.query('UPDATE inbound_events SET folded_at = now() WHERE id = ANY($1::bigint[])', [ids]);
  }

  async quarantine(tx: EntityManager, rows: { id: string; reason: string }[]): Promise<void> {
    if (!rows.length) return;
    await tx.query(
      `UPDATE inbound_events e SET quarantined_at = now(), quarantine_reason = r.reason
         FROM unnest($1::bigint[], $2::text[]) AS r(id, reason) WHERE e.id = r.id`,
      [rows.map((r) => r.id), rows.map((r) => truncateText(r.reason, MAX_REASON))],
    );
  }

  /**
   * Records an unexpected fold failure of one row (in its own statement: the fold's transaction rolled back). The
   * row is tried again after a backoff (2, 4, 8 ... s, at most 5 min) and quarantined at the `maxAttempts`-th failure.
   */
  async recordFailure(id: string, reason: string, maxAttempts: number): Promise<FoldFailure> {
    // An UPDATE answers [rows, count] through TypeORM's query().
    const [rows]: [{ fold_attempts: number; quarantined: boolean }[], number] = await this.dataSource.query(
      `UPDATE inbound_events SET
         fold_attempts = fold_attempts + 1,
         fold_after = now() + make_interval(secs => least(300, power(2, fold_attempts + 1))),
         quarantined_at = CASE WHEN fold_attempts + 1 >= $2 THEN now() END,
         quarantine_reason = CASE WHEN fold_attempts + 1 >= $2 THEN $3 END
       WHERE id = $1 AND folded_at IS NULL AND quarantined_at IS NULL
       RETURNING fold_attempts, quarantined_at IS NOT NULL AS quarantined`,
      [id, maxAttempts, truncateText(`fold failed ${maxAttempts} times: ${reason}`, MAX_REASON)],
    );
    return { attempts: rows[0]?.fold_attempts ?? 0, quarantined: rows[0]?.quarantined ?? false };
  }
}
