import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type SessionKey, sessionKey } from './call-party.repository';
import type { EndedLeg } from './folding';

/** Ended agent legs become `call_logs` rows (status pending): the dedupe key and the start of the admin's report. */
@Injectable()
export class EndedLegRepository {
  /** The extensions already holding a leg in each of these sessions, by sessionKey. */
  async extensionsRecorded(tx: EntityManager, sessions: SessionKey[]): Promise<Map<string, Set<string>>> {
    const recorded = new Map<string, Set<string>>();
    if (!sessions.length) return recorded;
    const rows: { account_id: string; telephony_session_id: string; rc_extension_id: string }[] = await tx.query(
      `SELECT c.account_id, c.telephony_session_id, c.rc_extension_id FROM call_logs c
         JOIN unnest($1::uuid[], $2::text[]) AS k(account_id, telephony_session_id) USING (account_id, telephony_session_id)`,
      [sessions.map((s) => s.accountId), sessions.map((s) => s.telephonySessionId)],
    );
    for (const row of rows) {
      const key = sessionKey({ accountId: row.account_id, telephonySessionId: row.telephony_session_id });
      recorded.set(key, (recorded.get(key) ?? new Set()).add(row.rc_extension_id));
    }
    return recorded;
  }

  /**
   * Inserts the legs whose (account, session, extension) is not recorded yet, in one statement; returns the new rows
   * (a leg another fold recorded meanwhile is left out).
   */
  async insertMany(tx: EntityManager, legs: { accountId: string; leg: EndedLeg }[]): Promise<{ id: string; accountId: string; leg: EndedLeg }[]> {
    if (!legs.length) return [];
    const column = <T>(pick: (leg: EndedLeg) => T) => legs.map(({ leg }) => pick(leg));
    const rows: { id: string; account_id: string; telephony_session_id: string; rc_extension_id: string }[] = await tx.query(
      `INSERT INTO call_logs (account_id, telephony_session_id, session_id, rc_extension_id, party_id, direction, kind, result,
         internal, other_number, other_name, agent_number, started_at, answered_at, call_ended_at, talk_seconds, recorded, queue_call)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
         $9::boolean[], $10::text[], $11::text[], $12::text[], $13::timestamptz[], $14::timestamptz[], $15::timestamptz[],
         $16::int[], $17::boolean[], $18::boolean[])
       ON CONFLICT (account_id, telephony_session_id, rc_extension_id) DO NOTHING
       RETURNING id, account_id, telephony_session_id, rc_extension_id`,
      [
        legs.map((l) => l.accountId),
        column((l) => l.telephonySessionId),
        column((l) => l.sessionId ?? null),
        column((l) => l.extensionId),
        column((l) => l.partyId),
        column((l) => l.direction),
        column((l) => l.kind),
        column((l) => l.result),
        column((l) => l.internal),
        column((l) => l.otherParty.phoneNumber ?? null),
        column((l) => l.otherParty.name ?? null),
        column((l) => l.agentParty.phoneNumber ?? null),
        column((l) => l.startTime),
        column((l) => l.answerTime ?? null),
        column((l) => l.endTime),
        column((l) => Math.round(l.talkSeconds)),
        column((l) => l.recorded),
        column((l) => l.queueCall),
      ],
    );
    const legKey = (accountId: string, telephonySessionId: string, extensionId: string) => `${sessionKey({ accountId, telephonySessionId })}|${extensionId}`;
    const byKey = new Map(legs.map((l) => [legKey(l.accountId, l.leg.telephonySessionId, l.leg.extensionId), l]));
    return rows.map((row) => ({ id: row.id, ...byKey.get(legKey(row.account_id, row.telephony_session_id, row.rc_extension_id))! }));
  }
}
