import { DEMO_NUMBERS } from '../../sim/crm';
import type { ExpectedLeg, PlayResult } from '../../sim/ringcentral/sim-types';
import { AccountsRepository } from '../../src/accounts/accounts.repository';
import { UserMappingRepository } from '../../src/accounts/user-mapping.repository';
import { durationMatches } from '../support/leg-expectations';
import { onboard, startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait-for';

const CONTACT_BY_NUMBER: Record<string, string | null> = {
  [DEMO_NUMBERS.jane]: 'con_2001',
  [DEMO_NUMBERS.john]: 'con_2002',
  [DEMO_NUMBERS.acmeMain]: 'con_2003',
  [DEMO_NUMBERS.acmeAlt]: 'con_2003',
  [DEMO_NUMBERS.duplicate]: 'con_2004', // multiMatch "first": the CRM lists the older contact first
  [DEMO_NUMBERS.london]: 'con_2006',
  [DEMO_NUMBERS.unknown]: null, // noMatch "logWithoutContact"
};
const EXTERNAL_NUMBERS = Object.keys(CONTACT_BY_NUMBER);
const ADMIN_CRM_USER = 'usr_1005';

/**
 * Issue 4's loop: simulated RingCentral -> service -> sample CRM over real HTTP. Every admitted agent leg must become
 * exactly one CRM activity with the right contact, owner, direction, duration and body; filtered legs none.
 */
describe('call-logging pipeline (simulator + sample CRM e2e)', () => {
  let stack: Stack;
  let accountId: string;
  let simAccountId: string;
  let extensionIds: string[];

  beforeAll(async () => {
    stack = await startStack();
    const onboarded = await onboard(stack, undefined, { adminCrmUserId: ADMIN_CRM_USER });
    accountId = onboarded.accountId;
    simAccountId = onboarded.simAccount.id;
    extensionIds = onboarded.simAccount.extensions.filter((e) => e.type === 'User').map((e) => e.id);
    // Alice and Bob are mapped; Carol and Dave are not, so their calls fall back to the admin's CRM user.
    await stack.app.app.get(UserMappingRepository).upsert(accountId, [
      { rcExtensionId: extensionIds[0]!, crmUserId: 'usr_1001', source: 'manual' },
      { rcExtensionId: extensionIds[1]!, crmUserId: 'usr_1002', source: 'manual' },
    ]);
  });

  afterAll(async () => {
    await stack.close();
  });

  const externalId = (leg: { telephonySessionId: string; extensionId: string }) => `${leg.telephonySessionId}:${leg.extensionId}`;

  async function rowsOf(legs: ExpectedLeg[]) {
    return stack.db.query('SELECT * FROM call_logs WHERE account_id = $1 AND telephony_session_id = ANY($2)', [accountId, [...new Set(legs.map((l) => l.telephonySessionId))]]);
  }

  async function settled(legs: ExpectedLeg[], timeoutMs = 60_000) {
    return waitFor(async () => {
      if (process.env.DEBUG_PIPELINE) {
        const rows = await rowsOf(legs);
        const counts = rows.reduce((m: Record<string, number>, r: { status: string }) => ({ ...m, [r.status]: (m[r.status] ?? 0) + 1 }), {});
        const stuck = rows.find((r: { status: string }) => r.status !== 'logged' && r.status !== 'skipped');
        const tl = stuck ? await stack.db.query('SELECT kind, detail FROM call_log_events WHERE call_log_id = $1', [stuck.id]) : [];
        const jobs = await stack.db.query(`SELECT name, state, count(*)::int FROM pgboss.job GROUP BY 1, 2`);
        const activity = await stack.db.query(`SELECT state, wait_event_type, wait_event, left(query, 120) AS q, now() - query_start AS age FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'`);
        console.log(JSON.stringify(activity));
        console.log(JSON.stringify({ expected: legs.length, counts, stuck: stuck && { status: stuck.status, attempts: stuck.attempts, last_error: stuck.last_error }, tl, jobs }));
      }
      const rows = await rowsOf(legs);
      return rows.length >= legs.length && rows.every((r: { status: string }) => r.status === 'logged' || r.status === 'skipped' || r.status === 'failed') ? rows : undefined;
    }, timeoutMs, `${legs.length} legs logged or skipped`);
  }

  function checkActivities(plays: PlayResult[]) {
    const legs = plays.flatMap((p) => p.legs);
    const admitted = legs.filter((l) => !l.internal);
    const ids = new Set(legs.map(externalId));
    const activities = stack.crm.activities().filter((a) => ids.has(a.externalId));
    expect(activities.map((a) => a.externalId).sort()).toEqual(admitted.map(externalId).sort());
    for (const leg of admitted) {
      const activity = activities.find((a) => a.externalId === externalId(leg))!;
      const owner = leg.extensionId === extensionIds[0] ? 'usr_1001' : leg.extensionId === extensionIds[1] ? 'usr_1002' : ADMIN_CRM_USER;
      expect({ contactId: activity.contactId, ownerId: activity.ownerId, direction: activity.direction, result: activity.result }).toEqual({
        contactId: CONTACT_BY_NUMBER[leg.otherPartyNumber],
        ownerId: owner,
        direction: leg.direction,
        result: leg.result,
      });
      expect({ leg: externalId(leg), duration: activity.duration, ok: durationMatches(plays, leg, activity.duration) }).toMatchObject({ ok: true });
      expect(activity.body).toContain(`- Direction: ${leg.direction}`);
      expect(activity.body).toContain(`- Result: ${leg.result}`);
      expect(activity.subject.length).toBeGreaterThan(5);
    }
  }

  it('logs a mixed day of 200+ calls: one activity per admitted leg, right contact/owner/direction/duration/body, none for filtered legs', async () => {
    const plays = await stack.sim.playRandom(simAccountId, Number(process.env.PIPELINE_CALLS ?? 220), { rate: 50, externalNumbers: EXTERNAL_NUMBERS });
    const legs = plays.flatMap((p) => p.legs);
    const rows = await settled(legs, 120_000);
    checkActivities(plays);
    const internal = rows.filter((r: { internal: boolean }) => r.internal);
    expect(internal.length).toBeGreaterThan(0);
    expect(internal.every((r: { status: string; reason: string }) => r.status === 'skipped' && r.reason === 'internal-calls-off')).toBe(true);
    expect(rows.filter((r: { status: string }) => r.status === 'failed')).toEqual([]);
  });

  it('does the same with duplicate and shuffled delivery', async () => {
    stack.sim.setKnobs({ duplicateRate: 0.3, shuffle: true });
    try {
      const plays = await stack.sim.playRandom(simAccountId, 60, { rate: 30, externalNumbers: EXTERNAL_NUMBERS });
      await settled(plays.flatMap((p) => p.legs));
      checkActivities(plays);
    } finally {
      stack.sim.setKnobs({ duplicateRate: 0, shuffle: false });
    }
  });

  it('lands every log once while the CRM answers 429s and 503s for a while', async () => {
    stack.crm.setKnobs({ errorRate: 0.4, rateLimit: { rejectNext: 15, retryAfterSeconds: 1 } });
    const plays = await stack.sim.playRandom(simAccountId, 30, { rate: 30, externalNumbers: EXTERNAL_NUMBERS, mix: { 'inbound-answered': 1, 'outbound-answered': 1 } });
    setTimeout(() => stack.crm.setKnobs({ errorRate: 0, rateLimit: undefined }), 3000);
    const rows = await settled(plays.flatMap((p) => p.legs), 90_000);
    checkActivities(plays);
    expect(rows.some((r: { attempts: number }) => r.attempts > 1)).toBe(true);
    const timeline = await stack.db.query(`SELECT kind, detail FROM call_log_events WHERE kind = 'crm-error' AND call_log_id = ANY($1)`, [rows.map((r: { id: string }) => r.id)]);
    expect(timeline.map((t: { detail: { code: string } }) => t.detail.code)).toEqual(expect.arrayContaining(['RATE_LIMITED', 'TEMPORARY']));
  });

  describe('policies, and the row says why', () => {
    async function playOne(settings: Record<string, unknown>, scenario: 'inbound-answered', options: Record<string, unknown>) {
      const accounts = stack.app.app.get(AccountsRepository);
      const account = (await accounts.findById(accountId))!;
      await accounts.update(accountId, { settings: { ...account.settings, ...settings } });
      const play = await stack.sim.play(simAccountId, scenario, options);
      const [row] = await settled(play.legs);
      const timeline = await stack.db.query('SELECT kind, detail FROM call_log_events WHERE call_log_id = $1 ORDER BY id', [row.id]);
      return { row, timeline, activity: stack.crm.activities().find((a) => a.externalId === externalId(play.legs[0]!)) };
    }

    it('an unknown number: skipped with noMatch "skip"', async () => {
      const { row, activity, timeline } = await playOne({ contactPolicy: { noMatch: 'skip', multiMatch: 'first' } }, 'inbound-answered', { externalNumber: DEMO_NUMBERS.unknown });
      expect(row).toMatchObject({ status: 'skipped', reason: 'no-contact' });
      expect(activity).toBeUndefined();
      expect(timeline).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'contact', detail: expect.objectContaining({ decision: expect.stringContaining('no contact matched') }) })]));
    });

    it('an unknown number: a contact is created with noMatch "createContact"', async () => {
      const { row, activity } = await playOne({ contactPolicy: { noMatch: 'createContact', multiMatch: 'first' } }, 'inbound-answered', { externalNumber: '+16505550177', externalName: 'New Caller' });
      expect(row.status).toBe('logged');
      const created = stack.crm.contacts().find((c) => c.id === row.contact_id)!;
      expect(created.name).toBe('New Caller');
      expect(activity!.contactId).toBe(created.id);
    });

    it.each([
      ['earliestCreated', 'con_2004'],
      ['mostRecent', 'con_2005'],
    ])('a number with two contacts: multiMatch "%s" picks %s', async (multiMatch, expected) => {
      const { row, activity, timeline } = await playOne({ contactPolicy: { noMatch: 'logWithoutContact', multiMatch } }, 'inbound-answered', { externalNumber: DEMO_NUMBERS.duplicate });
      expect(row).toMatchObject({ status: 'logged', contact_id: expected });
      expect(activity!.contactId).toBe(expected);
      expect(JSON.stringify(timeline)).toContain(`2 contacts matched; policy \\"${multiMatch}\\" chose ${expected}`);
    });

    it('a number with two contacts: skipped with multiMatch "skip"', async () => {
      const { row } = await playOne({ contactPolicy: { noMatch: 'logWithoutContact', multiMatch: 'skip' } }, 'inbound-answered', { externalNumber: DEMO_NUMBERS.duplicate });
      expect(row).toMatchObject({ status: 'skipped', reason: 'several-contacts' });
    });

    it("an unmapped extension: the admin's CRM user owns the record, and the row says so", async () => {
      const { row, activity, timeline } = await playOne({ contactPolicy: { noMatch: 'logWithoutContact', multiMatch: 'first' } }, 'inbound-answered', { externalNumber: DEMO_NUMBERS.jane, agentId: extensionIds[2] });
      expect(row).toMatchObject({ status: 'logged', crm_user_id: ADMIN_CRM_USER, owner_source: 'admin-fallback' });
      expect(activity!.ownerId).toBe(ADMIN_CRM_USER);
      expect(JSON.stringify(timeline)).toContain('is not mapped');
    });
  });
});
