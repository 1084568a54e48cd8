import { DEMO_NUMBERS } from '../../sim/crm';
import { onboard, startStack, type Stack } from '../support/stack';
import { AdminClient, rcAccessToken } from '../support/admin-api';
import { waitFor } from '../support/wait-for';

/**
 * RingCentral's call log filters by a call's START time, and the sync reads from its watermark less a 10-minute
 * overlap: the final record of a longer call whose notifications were all lost is listed where the window no longer
 * reads. The sync remembers calls it saw "In Progress" and reads them again around their start until they are final.
 *
 * A test cannot wait half an hour, so each test stands for a service that was down while the call started: the
 * account's watermark is set back (as a downtime leaves it), the next read reaches back over the call's start and sees
 * it in progress, and from then on the window is the usual few minutes.
 */
const ENV = { CALL_LOG_SYNC_INTERVAL_SECONDS: '2', CALL_LOG_BACKFILL_MAX_HOURS: '1' };

/** Sets the account's watermark back to `at` (a run that was under way may have moved it since: set it again). */
async function downtimeSince(stack: Stack, accountId: string, at: Date): Promise<void> {
  await stack.db.query('UPDATE call_log_sync SET watermark = $2 WHERE account_id = $1 AND watermark > $2', [accountId, at]);
}

async function openRecord(stack: Stack, accountId: string, telephonySessionId: string): Promise<{ start_time: Date; checked_at: Date | null } | undefined> {
  const [row] = await stack.db.query('SELECT start_time, checked_at FROM call_log_open_records WHERE account_id = $1 AND telephony_session_id = $2', [accountId, telephonySessionId]);
  return row;
}

describe('long calls: the call log is read back to a call still in progress (e2e)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ env: ENV });
  });
  afterAll(() => stack.close());

  async function onboardAndSync() {
    const { accountId, simAccount } = await onboard(stack, { users: [{ firstName: 'Alice', lastName: 'Anderson', email: 'alice.anderson@example.com', admin: true }, { firstName: 'Bob', lastName: 'Brown', email: 'bob.brown@example.com' }] });
    await waitFor(async () => ((await stack.db.query('SELECT 1 FROM call_log_sync WHERE account_id = $1 AND watermark IS NOT NULL', [accountId])).length ? true : undefined), 30_000, 'the first call-log read');
    return { accountId, simAccount };
  }

  it('a 30-minute call whose notifications were all lost is logged exactly once, from the call log', async () => {
    const { accountId, simAccount } = await onboardAndSync();
    stack.sim.setKnobs({ callLogInProgress: true, dropCallRate: 1 });
    const agent = simAccount.extensions.find((e) => e.type === 'User' && !e.admin)!;
    const play = await stack.sim.play(simAccount.id, 'inbound-answered', { leaveOpen: true, talkSeconds: 1800, agentId: agent.id, externalNumber: DEMO_NUMBERS.jane });
    stack.sim.setKnobs({ dropCallRate: 0 });
    expect(play.delivered).toEqual([]);
    const tsid = play.telephonySessionIds[0];

    // The service comes back 35 minutes after it stopped: the call began meanwhile and is still going.
    const downSince = new Date(Date.now() - 35 * 60_000);
    const seen = await waitFor(async () => {
      await downtimeSince(stack, accountId, downSince);
      return openRecord(stack, accountId, tsid);
    }, 60_000, 'the call seen "In Progress"');
    expect(seen.start_time.getTime()).toBeLessThan(Date.now() - 30 * 60_000);

    // From now on the window is the usual overlap: the call's start is behind it, and it is read on its own.
    await waitFor(async () => ((await openRecord(stack, accountId, tsid))?.checked_at ? true : undefined), 60_000, 'a read around the call’s start');
    const [{ watermark }] = await stack.db.query('SELECT watermark FROM call_log_sync WHERE account_id = $1', [accountId]);
    expect(watermark.getTime() - 10 * 60_000).toBeGreaterThan(seen.start_time.getTime());

    const legs = stack.sim.endCall(simAccount.id, tsid);
    expect(legs.map((l) => l.extensionId)).toEqual([agent.id]);
    const externalId = `${tsid}:${agent.id}`;
    await waitFor(async () => (stack.crm.activities().some((a) => a.externalId === externalId) ? true : undefined), 90_000, 'the long call logged');
    await waitFor(async () => ((await openRecord(stack, accountId, tsid)) ? undefined : true), 30_000, 'the call forgotten once final');

    const activities = stack.crm.activities().filter((a) => a.externalId.startsWith(`${tsid}:`));
    expect(activities).toHaveLength(1);
    expect(activities[0].duration).toBeGreaterThanOrEqual(1800);
    const rows: { source: string; record_state: string }[] = await stack.db.query('SELECT source, record_state FROM call_logs WHERE account_id = $1 AND telephony_session_id = $2', [accountId, tsid]);
    expect(rows).toEqual([{ source: 'call-log', record_state: 'merged' }]);
  });

  it('a call that stays "In Progress" is read no further back than CALL_LOG_BACKFILL_MAX_HOURS: then it is dropped and shown as left out', async () => {
    const { accountId, simAccount } = await onboardAndSync();
    stack.sim.setKnobs({ callLogInProgress: true, dropCallRate: 1 });
    // Started 59 minutes ago (plus its ringing), never ends: a minute from now it is older than the one-hour bound.
    const play = await stack.sim.play(simAccount.id, 'outbound-answered', { leaveOpen: true, talkSeconds: 59 * 60, externalNumber: DEMO_NUMBERS.john });
    stack.sim.setKnobs({ dropCallRate: 0 });
    const tsid = play.telephonySessionIds[0];
    const downSince = new Date(Date.now() - 50 * 60_000);
    const seen = await waitFor(async () => {
      await downtimeSince(stack, accountId, downSince);
      return openRecord(stack, accountId, tsid);
    }, 45_000, 'the call seen "In Progress"');

    await waitFor(async () => ((await openRecord(stack, accountId, tsid)) ? undefined : true), 120_000, 'the call dropped at the bound');
    const admin = AdminClient.bearer(stack.app.url, await rcAccessToken(stack.sim, simAccount.id));
    const sync = (await admin.get('/admin/subscription')).body.callLogSync;
    expect(Date.parse(sync.leftOut.from)).toBe(seen.start_time.getTime());
    expect(Date.parse(sync.leftOut.to)).toBeGreaterThan(seen.start_time.getTime());
    expect(Date.parse(sync.leftOut.to)).toBeLessThanOrEqual(Date.now() - 3600_000);
    expect(stack.crm.activities().filter((a) => a.externalId.startsWith(`${tsid}:`))).toEqual([]);
  });
});
