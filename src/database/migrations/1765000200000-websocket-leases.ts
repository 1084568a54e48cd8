import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * RINGCENTRAL_TRANSPORT=websocket: one row per account whose WebSocket connection some process holds. The holder
 * renews `expires_at`; when it stops (crash, stall), another process takes the row over once it has expired. Times are
 * the database's, so replicas' clocks do not matter. The row also keeps what a new holder needs to resume the gateway
 * session of a holder that died (its `wsc` token and subscription id), and the connection state for the admin.
 */
export class WebsocketLeases1765000200000 implements MigrationInterface {
  name = 'WebsocketLeases1765000200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE websocket_leases (
        account_id uuid PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
        holder_id text NOT NULL,
        expires_at timestamptz NOT NULL,
        acquired_at timestamptz NOT NULL DEFAULT now(),
        renewed_at timestamptz NOT NULL DEFAULT now(),
        state text NOT NULL DEFAULT 'connecting' CHECK (state IN ('connecting', 'connected', 'reconnecting', 'failed')),
        rc_subscription_id text,
        -- The gateway session's recovery token: lets the next holder resume the session after a crash. Not a
        -- credential (recovering also takes a ws token, which only the account's RingCentral tokens can get).
        wsc_token text,
        -- An admin asked for a new subscription (POST /admin/subscription/recreate) on a process not holding it.
        reconnect_requested_at timestamptz,
        last_error text,
        state_changed_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE websocket_leases');
  }
}
