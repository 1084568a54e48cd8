import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Accounts, their RingCentral directory and subscription, the webhook inbox, folded call state and ended legs. */
export class AccountsSubscriptionsIntake1763900100000 implements MigrationInterface {
  name = 'AccountsSubscriptionsIntake1763900100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        rc_account_id text NOT NULL UNIQUE,
        hashed_account_id text NOT NULL,
        enabled boolean NOT NULL DEFAULT false,
        mode text NOT NULL DEFAULT 'account' CHECK (mode IN ('account', 'admin-only')),
        settings jsonb NOT NULL DEFAULT '{}'::jsonb,
        connector_id text,
        connector_config jsonb,
        admin_extension_id text,
        rc_credentials text,
        paused_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE rc_extensions (
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        extension_id text NOT NULL,
        extension_number text,
        type text NOT NULL,
        status text,
        name text,
        first_name text,
        last_name text,
        email text,
        synced_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_id, extension_id)
      )`);
    await q.query(`
      CREATE TABLE subscriptions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL UNIQUE REFERENCES accounts(id) ON DELETE CASCADE,
        rc_subscription_id text UNIQUE,
        event_filters jsonb NOT NULL,
        delivery_mode text NOT NULL DEFAULT 'WebHook',
        address text,
        verification_token_hash text,
        status text NOT NULL,
        expires_at timestamptz,
        last_event_at timestamptz,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE inbound_events (
        id bigserial PRIMARY KEY,
        uuid text NOT NULL UNIQUE,
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        telephony_session_id text,
        payload jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX inbound_events_received_at ON inbound_events (received_at)`);
    await q.query(`
      CREATE TABLE call_parties (
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        telephony_session_id text NOT NULL,
        party_id text NOT NULL,
        extension_id text,
        last_sequence integer NOT NULL,
        status_code text NOT NULL,
        state jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_id, telephony_session_id, party_id)
      )`);
    await q.query(`
      CREATE TABLE call_logs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        telephony_session_id text NOT NULL,
        session_id text,
        rc_extension_id text NOT NULL,
        party_id text NOT NULL,
        direction text NOT NULL,
        kind text NOT NULL,
        result text NOT NULL,
        internal boolean NOT NULL DEFAULT false,
        other_number text,
        other_name text,
        agent_number text,
        started_at timestamptz NOT NULL,
        answered_at timestamptz,
        call_ended_at timestamptz NOT NULL,
        talk_seconds integer NOT NULL DEFAULT 0,
        recorded boolean NOT NULL DEFAULT false,
        queue_call boolean NOT NULL DEFAULT false,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'logging', 'logged', 'skipped', 'failed')),
        reason text,
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        crm_log_id text,
        contact_id text,
        crm_user_id text,
        owner_source text,
        logged_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (account_id, telephony_session_id, rc_extension_id)
      )`);
    await q.query(`CREATE INDEX call_logs_account_status ON call_logs (account_id, status, call_ended_at DESC)`);
    await q.query(`CREATE INDEX call_logs_account_ended ON call_logs (account_id, call_ended_at DESC, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['call_logs', 'call_parties', 'inbound_events', 'subscriptions', 'rc_extensions', 'accounts']) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
