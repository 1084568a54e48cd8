import { DEMO_NUMBERS } from '../../sim/crm';
import { RETENTION_BATCH, RetentionService } from '../../src/housekeeping/retention.service';
import { admittedLegs } from '../support/leg-expectations';
import { onboard, startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait-for';

const count = async (stack: Stack, sql: string): Promise<number> => Number((await stack.db.query(sql))[0].n);

/**
 * Issue 16, "data kept only as long as needed": with RETENTION_DAYS=7, the housekeeping purge deletes raw
 * notifications, folded party state and timelines older than that, in batches, and keeps newer ones and the call
 * logs themselves.
 */
describe('retention', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ env: { RETENTION_DAYS: '7' } });
  });

  afterAll(async () => {
    await stack.close();
  });

  it('purges what is older than RETENTION_DAYS and keeps the rest', async () => {
    const { accountId, simAccount } = await onboard(stack);
    const plays = await stack.sim.playRandom(simAccount.id, 6, { rate: 30, externalNumbers: [DEMO_NUMBERS.jane, DEMO_NUMBERS.john], mix: { 'inbound-answered': 1, 'outbound-answered': 1 } });
    const legs = admittedLegs(plays);
    await waitFor(async () => (stack.crm.activities().length >= legs.length ? true : undefined), 60_000, 'activities');
    const [old] = (await stack.db.query('SELECT telephony_session_id AS id FROM call_logs WHERE account_id = $1 ORDER BY call_ended_at LIMIT 1', [accountId])) as { id: string }[];

    // One session's data made 8 days old; and a backlog of old raw notifications larger than one batch.
    await stack.db.query(`UPDATE inbound_events SET received_at = now() - interval '8 days' WHERE telephony_session_id = $1`, [old!.id]);
    await stack.db.query(`UPDATE call_parties SET updated_at = now() - interval '8 days' WHERE telephony_session_id = $1`, [old!.id]);
    await stack.db.query(`UPDATE call_log_events SET at = now() - interval '8 days' WHERE call_log_id IN (SELECT id FROM call_logs WHERE telephony_session_id = $1)`, [old!.id]);
    await stack.db.query(
      `INSERT INTO inbound_events (uuid, account_id, payload, received_at) SELECT 'old-' || g, $1, '{}'::jsonb, now() - interval '30 days' FROM generate_series(1, $2) g`,
      [accountId, RETENTION_BATCH + 500],
    );
    const before = {
      events: await count(stack, 'SELECT count(*) AS n FROM inbound_events'),
      oldEvents: await count(stack, `SELECT count(*) AS n FROM inbound_events WHERE received_at < now() - interval '7 days'`),
      parties: await count(stack, 'SELECT count(*) AS n FROM call_parties'),
      oldParties: await count(stack, `SELECT count(*) AS n FROM call_parties WHERE updated_at < now() - interval '7 days'`),
      timeline: await count(stack, 'SELECT count(*) AS n FROM call_log_events'),
      oldTimeline: await count(stack, `SELECT count(*) AS n FROM call_log_events WHERE at < now() - interval '7 days'`),
      callLogs: await count(stack, 'SELECT count(*) AS n FROM call_logs'),
    };
    expect(before.oldParties).toBeGreaterThan(0);
    expect(before.oldTimeline).toBeGreaterThan(0);

    const deleted = await stack.app.app.get(RetentionService).purge();
    expect(deleted).toMatchObject({ inbound_events: before.oldEvents, call_parties: before.oldParties, call_log_events: before.oldTimeline });
    expect(await count(stack, 'SELECT count(*) AS n FROM inbound_events')).toBe(before.events - before.oldEvents);
    expect(await count(stack, 'SELECT count(*) AS n FROM call_parties')).toBe(before.parties - before.oldParties);
    expect(await count(stack, 'SELECT count(*) AS n FROM call_log_events')).toBe(before.timeline - before.oldTimeline);
    expect(await count(stack, 'SELECT count(*) AS n FROM call_logs')).toBe(before.callLogs);
    // Nothing left to purge: a second run deletes nothing.
    expect(Object.values(await stack.app.app.get(RetentionService).purge()).every((n) => n === 0)).toBe(true);
  });
});
