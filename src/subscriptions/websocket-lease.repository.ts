import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'failed';

export interface WebsocketLease {
  accountId: string;
  holderId: string;
  expiresAt: Date;
  acquiredAt: Date;
  renewedAt: Date;
  state: ConnectionState;
  rcSubscriptionId: string | null;
  /** The gateway session's recovery token, as the holder last recorded it. */
  wscToken: string | null;
  lastError: string | null;
  stateChangedAt: Date;
  /** expires_at has passed (by the database's clock): the holder is gone and anyone may take over. */
  expired: boolean;
}

function toLease(r: Record<string, any>): WebsocketLease {
  return {
    accountId: r.account_id,
    holderId: r.holder_id,
    expiresAt: r.expires_at,
    acquiredAt: r.acquired_at,
    renewedAt: r.renewed_at,
    state: r.state,
    rcSubscriptionId: r.rc_subscription_id,
    wscToken: r.wsc_token,
    lastError: r.last_error,
    stateChangedAt: r.state_changed_at,
    expired: r.expired,
  };
}

/**
 * The `websocket_leases` table: who holds each account's WebSocket connection. Every statement is a single atomic
 * row operation compared against the database's `now()`, so two replicas racing for one account cannot both win.
 */
@Injectable()
export class WebsocketLeaseRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Takes the account's lease for `holderId` if it is free, expired, or already ours (then it is extended).
   * Returns true when `holderId` holds it afterwards.
   */
  async tryAcquire(accountId: string, holderId: string, ttlMs: number): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO websocket_leases (account_id, holder_id, expires_at)
       VALUES ($1, $2, now() + make_interval(secs => $3 / 1000.0))
       ON CONFLICT (account_id) DO UPDATE
         SET holder_id = EXCLUDED.holder_id, expires_at = EXCLUDED.expires_at, renewed_at = now(),
             acquired_at = CASE WHEN websocket_leases.holder_id = EXCLUDED.holder_id THEN websocket_leases.acquired_at ELSE now() END,
             state = CASE WHEN websocket_leases.holder_id = EXCLUDED.holder_id THEN websocket_leases.state ELSE 'connecting' END,
             state_changed_at = CASE WHEN websocket_leases.holder_id = EXCLUDED.holder_id THEN websocket_leases.state_changed_at ELSE now() END
         WHERE websocket_leases.holder_id = EXCLUDED.holder_id OR websocket_leases.expires_at < now()
       RETURNING account_id`,
      [accountId, holderId, ttlMs],
    );
    return rows.length === 1;
  }

  /**
   * Extends the lease if `holderId` still holds it (`held: false` means it was taken over: the holder must let go),
   * and hands over, once, a reconnection an admin asked for meanwhile.
   */
  async renew(accountId: string, holderId: string, ttlMs: number): Promise<{ held: boolean; reconnectRequested: boolean }> {
    const [rows] = (await this.dataSource.query(
      `UPDATE websocket_leases l SET expires_at = now() + make_interval(secs => $3 / 1000.0), renewed_at = now(), reconnect_requested_at = NULL
         FROM (SELECT reconnect_requested_at FROM websocket_leases WHERE account_id = $1 FOR UPDATE) old
        WHERE l.account_id = $1 AND l.holder_id = $2
        RETURNING old.reconnect_requested_at IS NOT NULL AS reconnect`,
      [accountId, holderId, ttlMs],
    )) as [{ reconnect: boolean }[], number];
    return { held: rows.length === 1, reconnectRequested: rows[0]?.reconnect === true };
  }

  /** Asks the account's holder, wherever it runs, to reconnect with a new subscription on its next pass. */
  async requestReconnect(accountId: string): Promise<void> {
    await this.dataSource.query('UPDATE websocket_leases SET reconnect_requested_at = now() WHERE account_id = $1', [accountId]);
  }

  /**
   * Shutdown: the lease expires now, so another process takes it at once, and it keeps the gateway session
   * (`wsc_token`, subscription id) for that process to resume.
   */
  async handOver(accountId: string, holderId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE websocket_leases SET expires_at = now() - interval '1 millisecond', state = 'reconnecting', state_changed_at = now()
        WHERE account_id = $1 AND holder_id = $2`,
      [accountId, holderId],
    );
  }

  /** Gives the lease up for good (account disabled, its subscription deleted); another process may take it at once. */
  async release(accountId: string, holderId: string): Promise<void> {
    await this.dataSource.query('DELETE FROM websocket_leases WHERE account_id = $1 AND holder_id = $2', [accountId, holderId]);
  }

  /** Records the connection's state for the admin's view (only while `holderId` holds the lease). */
  async recordState(accountId: string, holderId: string, state: ConnectionState, details: { rcSubscriptionId?: string; error?: string } = {}): Promise<void> {
    await this.dataSource.query(
      `UPDATE websocket_leases
          SET state = $3, rc_subscription_id = COALESCE($4, rc_subscription_id), last_error = $5,
              state_changed_at = CASE WHEN state = $3 THEN state_changed_at ELSE now() END
        WHERE account_id = $1 AND holder_id = $2`,
      [accountId, holderId, state, details.rcSubscriptionId ?? null, details.error?.slice(0, 1000) ?? null],
    );
  }

  /** Records the gateway session (only while `holderId` holds the lease), for a holder that takes over after a crash. */
  async recordSession(accountId: string, holderId: string, wscToken: string): Promise<void> {
    await this.dataSource.query('UPDATE websocket_leases SET wsc_token = $3 WHERE account_id = $1 AND holder_id = $2', [accountId, holderId, wscToken]);
  }

  async findByAccount(accountId: string): Promise<WebsocketLease | undefined> {
    const [row] = await this.dataSource.query('SELECT *, expires_at < now() AS expired FROM websocket_leases WHERE account_id = $1', [accountId]);
    return row ? toLease(row) : undefined;
  }
}
