import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PartyState } from './folding';

/** One call's session within an account: the unit folding locks and reads. */
export interface SessionKey {
  accountId: string;
  telephonySessionId: string;
}

export const sessionKey = (s: SessionKey): string => `${s.accountId}|${s.telephonySessionId}`;

/** Folded party state per (account, telephonySessionId, partyId). */
@Injectable()
export class CallPartyRepository {
  /**
   * Serialises all work on these sessions (events of one session may be folded by several workers at once) until
   * the transaction ends. The locks are taken in one statement, in key order, so two folds never deadlock.
   */
  async lockSessions(tx: EntityManager, sessions: SessionKey[]): Promise<void> {
    if (!sessions.length) return;
    await tx.query(
      `SELECT pg_advisory_xact_lock(k) FROM (
         SELECT DISTINCT hashtext(a || ':' || s) AS k FROM unnest($1::text[], $2::text[]) AS t(a, s) ORDER BY k
       ) AS keys`,
      [sessions.map((s) => s.accountId), sessions.map((s) => s.telephonySessionId)],
    );
  }

  /** The stored parties of these sessions, by sessionKey (sessions with none are absent). */
  async findSessions(tx: EntityManager, sessions: SessionKey[]): Promise<Map<string, PartyState[]>> {
    const found = new Map<string, PartyState[]>();
    if (!sessions.length) return found;
    const rows: { account_id: string; state: PartyState }[] = await tx.query(
      `SELECT p.account_id, p.state FROM call_parties p
         JOIN unnest($1::uuid[], $2::text[]) AS k(account_id, telephony_session_id) USING (account_id, telephony_session_id)`,
      [sessions.map((s) => s.accountId), sessions.map((s) => s.telephonySessionId)],
    );
    for (const { account_id: accountId, state } of rows) {
      const key = sessionKey({ accountId, telephonySessionId: state.telephonySessionId });
      found.set(key, [...(found.get(key) ?? []), state]);
    }
    return found;
  }

  async upsertMany(tx: EntityManager, rows: { accountId: string; state: PartyState }[]): Promise<void> {
    if (!rows.length) return;
    await tx.query(
      `INSERT INTO call_parties (account_id, telephony_session_id, party_id, extension_id, last_sequence, status_code, state)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::jsonb[])
       ON CONFLICT (account_id, telephony_session_id, party_id) DO UPDATE SET
         extension_id = EXCLUDED.extension_id, last_sequence = EXCLUDED.last_sequence, status_code = EXCLUDED.status_code,
         state = EXCLUDED.state, updated_at = now()`,
      [
        rows.map((r) => r.accountId),
        rows.map((r) => r.state.telephonySessionId),
        rows.map((r) => r.state.partyId),
        rows.map((r) => r.state.extensionId ?? null),
        rows.map((r) => r.state.lastSequence),
        rows.map((r) => r.state.status.code),
        rows.map((r) => JSON.stringify(r.state)),
      ],
    );
  }
}
