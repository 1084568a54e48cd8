import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export type SubscriptionStatus = 'Active' | 'Blacklisted' | 'Expired' | 'Missing' | 'Failed';

export interface SubscriptionRow {
  id: string;
  accountId: string;
  rcSubscriptionId: string | null;
  eventFilters: string[];
  deliveryMode: string;
  address: string | null;
  verificationTokenHash: string | null;
  status: SubscriptionStatus;
  expiresAt: Date | null;
  lastEventAt: Date | null;
  lastError: string | null;
}

function toRow(r: Record<string, any>): SubscriptionRow {
  return {
    id: r.id,
    accountId: r.account_id,
    rcSubscriptionId: r.rc_subscription_id,
    eventFilters: r.event_filters,
    deliveryMode: r.delivery_mode,
    address: r.address,
    verificationTokenHash: r.verification_token_hash,
    status: r.status,
    expiresAt: r.expires_at,
    lastEventAt: r.last_event_at,
    lastError: r.last_error,
  };
}

/** One RingCentral subscription per account (subscriptions table). */
@Injectable()
export class SubscriptionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findByAccount(accountId: string): Promise<SubscriptionRow | undefined> {
    const [row] = await this.dataSource.query('SELECT * FROM subscriptions WHERE account_id = $1', [accountId]);
    return row ? toRow(row) : undefined;
  }

  async findByRcId(rcSubscriptionId: string): Promise<SubscriptionRow | undefined> {
    const [row] = await this.dataSource.query('SELECT * FROM subscriptions WHERE rc_subscription_id = $1', [rcSubscriptionId]);
    return row ? toRow(row) : undefined;
  }

  async saveCreated(
    accountId: string,
    created: { rcSubscriptionId: string; eventFilters: string[]; deliveryMode: string; address: string | null; verificationTokenHash: string | null; expiresAt: Date },
  ): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO subscriptions (account_id, rc_subscription_id, event_filters, delivery_mode, address, verification_token_hash, status, expires_at, last_error)
       VALUES ($1, $2, $3, $4, $5, $6, 'Active', $7, NULL)
       ON CONFLICT (account_id) DO UPDATE SET rc_subscription_id = EXCLUDED.rc_subscription_id, event_filters = EXCLUDED.event_filters,
         delivery_mode = EXCLUDED.delivery_mode, address = EXCLUDED.address, verification_token_hash = EXCLUDED.verification_token_hash,
         status = 'Active', expires_at = EXCLUDED.expires_at, last_error = NULL, updated_at = now()`,
      [accountId, created.rcSubscriptionId, JSON.stringify(created.eventFilters), created.deliveryMode, created.address, created.verificationTokenHash, created.expiresAt],
    );
  }

  /** The account's WebSocket subscription (no address, no token: it lives on the socket); null while connecting. */
  async saveWebSocket(accountId: string, rcSubscriptionId: string | null, eventFilters: string[]): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO subscriptions (account_id, rc_subscription_id, event_filters, delivery_mode, address, verification_token_hash, status, expires_at, last_error)
       VALUES ($1, $2, $3, 'WebSocket', NULL, NULL, 'Active', NULL, NULL)
       ON CONFLICT (account_id) DO UPDATE SET rc_subscription_id = EXCLUDED.rc_subscription_id,
         event_filters = EXCLUDED.event_filters, delivery_mode = 'WebSocket', address = NULL, verification_token_hash = NULL,
         status = 'Active', expires_at = NULL, last_error = NULL, updated_at = now()`,
      [accountId, rcSubscriptionId, JSON.stringify(eventFilters)],
    );
  }

  async markRenewed(accountId: string, expiresAt: Date): Promise<void> {
    await this.dataSource.query(`UPDATE subscriptions SET status = 'Active', expires_at = $2, last_error = NULL, updated_at = now() WHERE account_id = $1`, [accountId, expiresAt]);
  }

  async markProblem(accountId: string, status: SubscriptionStatus, error: string): Promise<void> {
    await this.dataSource.query(`UPDATE subscriptions SET status = $2, last_error = $3, updated_at = now() WHERE account_id = $1`, [accountId, status, error.slice(0, 1000)]);
  }

  async delete(accountId: string): Promise<void> {
    await this.dataSource.query('DELETE FROM subscriptions WHERE account_id = $1', [accountId]);
  }

  async touchLastEvent(rcSubscriptionIds: string[]): Promise<void> {
    if (!rcSubscriptionIds.length) return;
    await this.dataSource.query('UPDATE subscriptions SET last_event_at = now() WHERE rc_subscription_id = ANY($1)', [rcSubscriptionIds]);
  }
}
