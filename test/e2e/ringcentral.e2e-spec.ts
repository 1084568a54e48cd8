import { SCENARIO_NAMES } from '../../sim/ringcentral';
import type { PlayResult } from '../../sim/ringcentral/sim-types';
import { TickScheduler } from '../../src/jobs/tick-scheduler';
import { onboard, startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait-for';

interface LegRow {
  telephony_session_id: string;
  rc_extension_id: string;
  direction: string;
  kind: string;
  result: string;
  other_number: string | null;
  internal: boolean;
  started_at: Date;
  answered_at: Date | null;
  call_ended_at: Date;
}

/**
 * RingCentral in, for real: the simulator plays every scenario kind against the service over HTTP (subscription
 * with handshake, WebHook deliveries, folding); each agent leg that ended must be recorded once, with the facts the
 * simulator says it should have, and nothing for IVRs, queues, queue-race losers or PSTN parties.
 */
describe('RingCentral -> ended legs (simulator e2e)', () => {
  let stack: Stack;
  let accountId: string;
  let simAccountId: string;

  beforeAll(async () => {
    stack = await startStack();
    ({ accountId, simAccount: { id: simAccountId } } = await onboard(stack));
  });

  afterAll(async () => {
    await stack.close();
  });

  async function legsOf(sessions: string[]): Promise<LegRow[]> {
    return stack.db.query('SELECT * FROM call_logs WHERE account_id = $1 AND telephony_session_id = ANY($2)', [accountId, sessions]);
  }

  async function expectRecorded(plays: PlayResult[]): Promise<void> {
    const sessions = plays.flatMap((p) => p.telephonySessionIds);
    const expected = plays.flatMap((p) => p.legs);
    await waitFor(async () => ((await legsOf(sessions)).length >= expected.length ? true : undefined), 30_000, `${expected.length} legs`);
    // Legs waiting for a quiet period (shuffled delivery) settle after SESSION_QUIET_SECONDS; leave room for a wrong extra one.
    await new Promise((r) => setTimeout(r, 2500));
    const rows = await legsOf(sessions);
    const key = (session: string, extension: string) => `${session}|${extension}`;
    expect(rows.map((r) => key(r.telephony_session_id, r.rc_extension_id)).sort()).toEqual(expected.map((l) => key(l.telephonySessionId, l.extensionId)).sort());
    for (const leg of expected) {
      const row = rows.find((r) => r.telephony_session_id === leg.telephonySessionId && r.rc_extension_id === leg.extensionId)!;
      expect({
        direction: row.direction,
        kind: row.kind,
        other: row.other_number,
        internal: row.internal,
        start: row.started_at.toISOString(),
        answer: row.answered_at?.toISOString(),
        end: row.call_ended_at.toISOString(),
      }).toEqual({
        direction: leg.direction,
        kind: leg.kind,
        other: leg.otherPartyNumber,
        internal: leg.internal,
        start: leg.callStartTime,
        answer: leg.answerTime,
        end: leg.endTime,
      });
    }
    for (const party of plays.flatMap((p) => p.noLeg)) {
      if (!party.extensionId) continue;
      const alsoALeg = expected.some((l) => l.telephonySessionId === party.telephonySessionId && l.extensionId === party.extensionId);
      if (!alsoALeg) expect(rows.filter((r) => r.telephony_session_id === party.telephonySessionId && r.rc_extension_id === party.extensionId)).toEqual([]);
    }
  }

  it('subscribed with an account-level telephony filter, after the validation handshake', () => {
    const [subscription] = stack.sim.subscriptions(simAccountId);
    expect(subscription).toMatchObject({ status: 'Active', eventFilters: [expect.stringMatching(/\/restapi\/v1\.0\/account\/\d+\/telephony\/sessions$/)] });
  });

  it('records every scenario kind exactly once, with direction, other number, times and result', async () => {
    const plays: PlayResult[] = [];
    for (const scenario of SCENARIO_NAMES) plays.push(await stack.sim.play(simAccountId, scenario));
    expect(plays.flatMap((p) => p.legs).length).toBeGreaterThanOrEqual(SCENARIO_NAMES.length);
    await expectRecorded(plays);
  });

  it('is not fooled by duplicate and shuffled delivery', async () => {
    stack.sim.setKnobs({ duplicateRate: 0.5, shuffle: true });
    try {
      const plays = await stack.sim.playRandom(simAccountId, 40, { rate: 40 });
      expect(plays.flatMap((p) => p.delivered).length).toBeGreaterThan(plays.flatMap((p) => p.events).length);
      await expectRecorded(plays);
    } finally {
      stack.sim.setKnobs({ duplicateRate: 0, shuffle: false });
    }
  });

  it('re-creates a blacklisted subscription on the next check tick, and renews one near expiry', async () => {
    const ticks = stack.app.app.get(TickScheduler);
    const [before] = stack.sim.subscriptions(simAccountId);
    stack.sim.blacklist(before!.id);
    await ticks.fire('subscriptions.watch', new Date(Date.UTC(2031, 0, 1, 0, 0, 0)));
    const recreated = await waitFor(async () => stack.sim.subscriptions(simAccountId).find((s) => s.id !== before!.id && s.status === 'Active'), 20_000, 'a new subscription');
    const row = await waitFor(async () => {
      const [r] = await stack.db.query('SELECT rc_subscription_id, status FROM subscriptions WHERE account_id = $1', [accountId]);
      return r.rc_subscription_id === recreated.id ? r : undefined;
    });
    expect(row.status).toBe('Active');

    // Calls keep flowing through the new subscription.
    await expectRecorded([await stack.sim.play(simAccountId, 'inbound-answered')]);

    stack.sim.expireIn(recreated.id, 3600);
    const before2 = Date.parse(stack.sim.subscriptions(simAccountId).find((s) => s.id === recreated.id)!.expirationTime);
    await ticks.fire('subscriptions.watch', new Date(Date.UTC(2031, 0, 1, 0, 5, 0)));
    await waitFor(async () => (Date.parse(stack.sim.subscriptions(simAccountId).find((s) => s.id === recreated.id)!.expirationTime) > before2 + 86_400_000 ? true : undefined), 20_000, 'renewal');
    expect(stack.sim.subscriptions(simAccountId).filter((s) => s.status === 'Active' && !s.expired)).toHaveLength(1);
  });
});
