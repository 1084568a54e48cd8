import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface QuarantinedEventView {
  id: string;
  uuid: string;
  telephonySessionId: string | null;
  reason: string;
  receivedAt: Date;
  quarantinedAt: Date;
  foldAttempts: number;
}

/**
 * Read model (and the admin's one write) of quarantined inbox rows. The subscriptions feature owns inbound_events;
 * admin may not import it (ARCHITECTURE.md §2), so it reads here and asks for a fold again by clearing the
 * quarantine and waking the fold workers.
 */
@Injectable()
export class AdminQuarantineRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async countByAccount(accountId: string): Promise<number> {
    const [row] = await this.dataSource.query('SELECT count(*)::int AS n FROM inbound_events WHERE account_id = $1 AND quarantined_at IS NOT NULL', [accountId]);
    return row.n;
  }

  /** Newest first, `limit` rows after the row `before` (an id), when given. */
  async listByAccount(accountId: string, limit: number, before?: string): Promise<QuarantinedEventView[]> {
    const rows: { id: string; uuid: string; telephony_session_id: string | null; quarantine_reason: string; received_at: Date; quarantined_at: Date; fold_attempts: number }[] =
      await this.dataSource.query(
        `SELECT id, uuid, telephony_session_id, quarantine_reason, received_at, quarantined_at, fold_attempts FROM inbound_events
          WHERE account_id = $1 AND quarantined_at IS NOT NULL AND ($3::bigint IS NULL OR id < $3::bigint)
          ORDER BY id DESC LIMIT $2`,
        [accountId, limit, before ?? null],
      );
    return rows.map((r) => ({
      id: String(r.id),
      uuid: r.uuid,
      telephonySessionId: r.telephony_session_id,
      reason: r.quarantine_reason,
      receivedAt: r.received_at,
      quarantinedAt: r.quarantined_at,
      foldAttempts: r.fold_attempts,
    }));
  }

  /**
   * Puts the account's quarantined rows back in the fold queue (attempts reset), except those stored altered at
   * intake (`intake_problem`): they can never fold as received. Returns how many went back, and how many could not.
   */
  async requeue(accountId: string): Promise<{ requeued: number; notRefoldable: number }> {
    const [, requeued]: [unknown, number] = await this.dataSource.query(
      `UPDATE inbound_events SET quarantined_at = NULL, quarantine_reason = NULL, fold_attempts = 0, fold_after = NULL
        WHERE account_id = $1 AND quarantined_at IS NOT NULL AND intake_problem IS NULL`,
      [accountId],
    );
    const [row] = await this.dataSource.query(
      'SELECT count(*)::int AS n FROM inbound_events WHERE account_id = $1 AND quarantined_at IS NOT NULL AND intake_problem IS NOT NULL',
      [accountId],
    );
    return { requeued, notRefoldable: row.n };
  }
}
