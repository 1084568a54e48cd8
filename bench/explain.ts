import type { Client } from 'pg';
import { inboxInsertStatement } from '../src/subscriptions/inbox.writer';

/**
 * `--explain`: EXPLAIN (ANALYZE, BUFFERS) of the statements the pipeline runs most often, with parameters taken from
 * the run's own rows, at the end of the run (writes are rolled back). Their plans and times show whether a figure is
 * limited by slow statements or by how many of them there are.
 */

export interface ExplainedStatement {
  name: string;
  /** Execution time PostgreSQL reports, ms (planning excluded). */
  executionMs: number;
  planningMs: number;
  plan: string;
}

const HOT: { name: string; sql: string; params: (p: Sample) => unknown[]; write?: boolean }[] = [
  {
    name: 'fold: lock the session',
    sql: `SELECT pg_advisory_xact_lock(hashtext($1 || ':' || $2))`,
    params: (p) => [p.accountId, p.telephonySessionId],
  },
  {
    name: 'fold: read the session (CallPartyRepository.findSession)',
    sql: 'SELECT state FROM call_parties WHERE account_id = $1 AND telephony_session_id = $2',
    params: (p) => [p.accountId, p.telephonySessionId],
  },
  {
    name: 'fold: upsert a party (CallPartyRepository.upsertMany)',
    sql: `INSERT INTO call_parties (account_id, telephony_session_id, party_id, extension_id, last_sequence, status_code, state)
          SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::jsonb[])
          ON CONFLICT (account_id, telephony_session_id, party_id) DO UPDATE SET
            extension_id = EXCLUDED.extension_id, last_sequence = EXCLUDED.last_sequence, status_code = EXCLUDED.status_code,
            state = EXCLUDED.state, updated_at = now()`,
    params: (p) => [p.accountId, [p.telephonySessionId], [p.partyId], [p.extensionId], [p.lastSequence], [p.statusCode], [p.state]],
    write: true,
  },
  {
    name: 'fold: legs already recorded (EndedLegRepository.extensionsRecorded)',
    sql: 'SELECT rc_extension_id FROM call_logs WHERE account_id = $1 AND telephony_session_id = $2',
    params: (p) => [p.accountId, p.telephonySessionId],
  },
  {
    name: 'fold: extension kinds (ExtensionDirectoryRepository.kinds)',
    sql: 'SELECT extension_id, type FROM rc_extensions WHERE account_id = $1 AND extension_id = ANY($2)',
    params: (p) => [p.accountId, [p.extensionId]],
  },
  {
    name: 'intake: one group-committed batch of 27 (InboxWriter.insert)',
    sql: inboxInsertStatement(27).text,
    params: (p) => {
      const { rows } = inboxInsertStatement(27);
      return Array.from({ length: rows }, (_, i) => (i < 27 ? [`explain-${Date.now()}-${i}`, p.accountId, p.telephonySessionId, p.payload, null] : [null, null, null, null, null])).flat();
    },
    write: true,
  },
  {
    name: 'logging: the directory per log (ExtensionDirectoryRepository.list)',
    sql: 'SELECT * FROM rc_extensions WHERE account_id = $1 ORDER BY extension_number NULLS LAST, extension_id',
    params: (p) => [p.accountId],
  },
  {
    name: 'jobs: pg-boss fetch of call.log (inner select)',
    sql: `SELECT id FROM pgboss.job WHERE name = 'call.log' AND state < 'active' AND start_after < now()
          ORDER BY priority DESC, created_on, id LIMIT 32 FOR UPDATE SKIP LOCKED`,
    params: () => [],
  },
];

interface Sample {
  accountId: string;
  telephonySessionId: string;
  partyId: string;
  extensionId: string | null;
  lastSequence: number;
  statusCode: string;
  state: string;
  payload: string;
}

export async function explainHotStatements(sql: Client, accountId: string): Promise<ExplainedStatement[]> {
  // Plans as a settled database would choose them: tables that grew during the run may not be analysed yet.
  await sql.query('ANALYZE');
  const { rows } = await sql.query(
    `SELECT telephony_session_id, party_id, extension_id, last_sequence, status_code, state::text AS state
       FROM call_parties WHERE account_id = $1 AND extension_id IS NOT NULL ORDER BY updated_at DESC LIMIT 1`,
    [accountId],
  );
  const row = rows[0];
  if (!row) return [];
  const payload = (await sql.query(`SELECT payload AS p FROM inbound_events ORDER BY id DESC LIMIT 1`)).rows[0]?.p ?? '{}';
  const sample: Sample = {
    accountId,
    telephonySessionId: row.telephony_session_id,
    partyId: row.party_id,
    extensionId: row.extension_id,
    lastSequence: row.last_sequence,
    statusCode: row.status_code,
    state: row.state,
    payload,
  };
  const out: ExplainedStatement[] = [];
  for (const statement of HOT) {
    await sql.query('BEGIN');
    try {
      const result = await sql.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) ${statement.sql}`, statement.params(sample));
      const lines: string[] = result.rows.map((r: Record<string, string>) => r['QUERY PLAN']!);
      const ms = (label: string) => Number(lines.find((l) => l.startsWith(label))?.match(/([\d.]+) ms/)?.[1] ?? NaN);
      out.push({ name: statement.name, executionMs: ms('Execution Time'), planningMs: ms('Planning Time'), plan: lines.join('\n') });
    } finally {
      await sql.query('ROLLBACK');
    }
  }
  return out;
}
