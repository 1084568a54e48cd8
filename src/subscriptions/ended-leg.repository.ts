import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EndedLeg } from './folding';

/** Ended agent legs become `call_logs` rows (status pending): the dedupe key and the start of the admin's report. */
@Injectable()
export class EndedLegRepository {
  async extensionsRecorded(tx: EntityManager, accountId: string, telephonySessionId: string): Promise<Set<string>> {
    const rows: { rc_extension_id: string }[] = await tx.query(
      'SELECT rc_extension_id FROM call_logs WHERE account_id = $1 AND telephony_session_id = $2',
      [accountId, telephonySessionId],
    );
    return new Set(rows.map((r) => r.rc_extension_id));
  }

  /** Inserts the leg unless (account, session, extension) is already recorded; returns the new row's id. */
  async insert(tx: EntityManager, accountId: string, leg: EndedLeg): Promise<string | undefined> {
    const [row] = await tx.query(
      `INSERT INTO call_logs (account_id, telephony_session_id, session_id, rc_extension_id, party_id, direction, kind, result,
         internal, other_number, other_name, agent_number, started_at, answered_at, call_ended_at, talk_seconds, recorded, queue_call)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
       ON CONFLICT (account_id, telephony_session_id, rc_extension_id) DO NOTHING
       RETURNING id`,
      [
        accountId,
        leg.telephonySessionId,
        leg.sessionId,
        leg.extensionId,
        leg.partyId,
        leg.direction,
        leg.kind,
        leg.result,
        leg.internal,
        leg.otherParty.phoneNumber ?? null,
        leg.otherParty.name ?? null,
        leg.agentParty.phoneNumber ?? null,
        leg.startTime,
        leg.answerTime ?? null,
        leg.endTime,
        Math.round(leg.talkSeconds),
        leg.recorded,
        leg.queueCall,
      ],
    );
    return row?.id;
  }
}
