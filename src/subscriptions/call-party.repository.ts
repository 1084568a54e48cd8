import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PartyState } from './folding';

/** Folded party state per (account, telephonySessionId, partyId). */
@Injectable()
export class CallPartyRepository {
  /** Serialises all work on one session (events of its parties may be folded by several workers at once). */
  async lockSession(tx: EntityManager, accountId: string, telephonySessionId: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1 || ':' || $2))`, [accountId, telephonySessionId]);
  }

  async findSession(tx: EntityManager, accountId: string, telephonySessionId: string): Promise<PartyState[]> {
    const rows: { state: PartyState }[] = await tx.query(
      'SELECT state FROM call_parties WHERE account_id = $1 AND telephony_session_id = $2',
      [accountId, telephonySessionId],
    );
    return rows.map((r) => r.state);
  }

  async upsertMany(tx: EntityManager, accountId: string, states: PartyState[]): Promise<void> {
    if (!states.length) return;
    await tx.query(
      `INSERT INTO call_parties (account_id, telephony_session_id, party_id, extension_id, last_sequence, status_code, state)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::jsonb[])
       ON CONFLICT (account_id, telephony_session_id, party_id) DO UPDATE SET
         extension_id = EXCLUDED.extension_id, last_sequence = EXCLUDED.last_sequence, status_code = EXCLUDED.status_code,
         state = EXCLUDED.state, updated_at = now()`,
      [
        accountId,
        states.map((s) => s.telephonySessionId),
        states.map((s) => s.partyId),
        states.map((s) => s.extensionId ?? null),
        states.map((s) => s.lastSequence),
        states.map((s) => s.status.code),
        states.map((s) => JSON.stringify(s)),
      ],
    );
  }
}
