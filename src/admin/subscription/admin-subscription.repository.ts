import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface SubscriptionView {
  id: string | null;
  status: string;
  expiresAt: Date | null;
  deliveryMode: string;
  lastEventAt: Date | null;
  lastError: string | null;
}

/** WebSocket transport: the account's connection as its holder last recorded it. */
export interface ConnectionView {
  state: string;
  holder: string;
  /** The holder stopped renewing (died or stalled): another process takes over. */
  leaseExpired: boolean;
  leaseExpiresAt: Date;
  since: Date;
  lastError: string | null;
}

/**
 * Read model of the `subscriptions` table for the admin API. The subscriptions feature owns and writes the table;
 * admin may not import it (ARCHITECTURE.md §2), so it reads here and asks for changes through AccountEvents.
 */
@Injectable()
export class AdminSubscriptionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findByAccount(accountId: string): Promise<SubscriptionView | undefined> {
    const [row] = await this.dataSource.query(
      'SELECT rc_subscription_id, status, expires_at, delivery_mode, last_event_at, last_error FROM subscriptions WHERE account_id = $1',
      [accountId],
    );
    return row
      ? { id: row.rc_subscription_id, status: row.status, expiresAt: row.expires_at, deliveryMode: row.delivery_mode, lastEventAt: row.last_event_at, lastError: row.last_error }
      : undefined;
  }

  /** The call-log sync's state (written by logging's sync job), for the same page. */
  async callLogSync(accountId: string): Promise<{ lastRunAt: Date | null; lastSuccessAt: Date | null; watermark: Date | null; lagSeconds: number | null; lastError: string | null; leftOut: { from: Date; to: Date } | null } | null> {
    const [row] = await this.dataSource.query('SELECT * FROM call_log_sync WHERE account_id = $1', [accountId]);
    if (!row) return null;
    return {
      lastRunAt: row.last_run_at,
      lastSuccessAt: row.last_success_at,
      watermark: row.watermark,
      lagSeconds: row.lag_seconds,
      lastError: row.last_error,
      leftOut: row.left_out_from ? { from: row.left_out_from, to: row.left_out_to } : null,
    };
  }

  async findConnection(accountId: string): Promise<ConnectionView | null> {
    const [row] = await this.dataSource.query(
      'SELECT state, holder_id, expires_at, expires_at < now() AS expired, state_changed_at, last_error FROM websocket_leases WHERE account_id = $1',
      [accountId],
    );
    return row ? { state: row.state, holder: row.holder_id, leaseExpired: row.expired, leaseExpiresAt: row.expires_at, since: row.state_changed_at, lastError: row.last_error } : null;
  }
}
