import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { DEMO_NUMBERS, type SampleCrm, startSampleCrm } from '../../sim/crm';
import { type RingCentralSim, startRingCentralSim } from '../../sim/ringcentral';
import type { CrmActivity } from '../../sim/crm/crm.types';
import type { PlayResult } from '../../sim/ringcentral/sim-types';
import { AccountOnboardingService } from '../../src/admin/account-onboarding.service';
import { AccountsRepository } from '../../src/accounts/accounts.repository';
import { findFreePort } from '../../src/database/embedded-postgres.launcher';
import { DEMO_PEOPLE, onboard, startStack, type Stack } from '../support/stack';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { AdminClient, rcAccessToken } from '../support/admin-api';
import { waitFor } from '../support/wait-for';
import { simulatorEnv } from '../support/service-env';

const EXTERNAL = [DEMO_NUMBERS.jane, DEMO_NUMBERS.john, DEMO_NUMBERS.acmeMain, DEMO_NUMBERS.unknown];
const SIMPLE_MIX = { 'inbound-answered': 4, 'outbound-answered': 3, missed: 2, voicemail: 2, 'inbound-ivr': 1, queue: 1, 'outbound-unanswered': 1 };
const SYNC_ENV = { CALL_LOG_SYNC_INTERVAL_SECONDS: '2' };
const PROXY_CONFIG = JSON.parse(readFileSync(join(process.cwd(), 'src/connectors/proxy/sample-crm.proxy-config.json'), 'utf8'));
const externalId = (l: { telephonySessionId: string; extensionId: string }) => `${l.telephonySessionId}:${l.extensionId}`;

/** A clock the simulator reads: real time plus a jump, so a record filed "10 minutes after the call" can be made due. */
function jumpClock() {
  let offset = 0;
  return { clock: { now: () => Date.now() + offset }, jump: (ms: number) => (offset += ms) };
}

async function timelineKinds(stack: Stack, callLogId: string): Promise<{ kind: string; detail: Record<string, unknown> }[]> {
  return stack.db.query('SELECT kind, detail FROM call_log_events WHERE call_log_id = $1 ORDER BY id', [callLogId]);
}

/** A person edits the log in the CRM: a line added to the body and a note. */
async function personEdits(stack: Stack, activity: CrmActivity, apiKey: string): Promise<void> {
  const res = await fetch(`${stack.crm.apiUrl}/activities/${activity.id}`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/json', Authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}` },
    body: JSON.stringify({ body: `${activity.body}\nCustomer wants a callback on Monday.`, note: 'Typed by Alice in the CRM' }),
  });
  expect(res.status).toBe(200);
}

describe('call records: notifications lost, the call log fills in (e2e)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ env: SYNC_ENV });
  });
  afterAll(() => stack.close());

  it('with 20% of notifications and 10% of calls dropped, every admitted agent leg is logged exactly once', async () => {
    const { accountId, simAccount } = await onboard(stack);
    stack.sim.setKnobs({ dropRate: 0.2, dropCallRate: 0.1, recordDurationExtraSeconds: 2 });
    const plays: PlayResult[] = await stack.sim.playRandom(simAccount.id, 30, { mix: SIMPLE_MIX, rate: 20, externalNumbers: EXTERNAL });
    stack.sim.setKnobs({ dropRate: 0, dropCallRate: 0 });
    const legs = plays.flatMap((p) => p.legs).filter((l) => !l.internal);
    const wholeCallsDropped = plays.filter((p) => p.events.length > 0 && p.dropped.length === p.events.length).length;
    expect(wholeCallsDropped).toBeGreaterThan(0);
    const ids = new Set(legs.map(externalId));
    const activities = await waitFor(
      async () => {
        const found = stack.crm.activities().filter((a) => ids.has(a.externalId));
        return new Set(found.map((a) => a.externalId)).size === ids.size ? found : undefined;
      },
      120_000,
      `${ids.size} legs logged`,
    );
    // Exactly once: one activity per leg, and nothing logged twice for any leg of these calls.
    expect(activities.map((a) => a.externalId).sort()).toEqual([...ids].sort());
    const sessions = [...new Set(plays.flatMap((p) => p.telephonySessionIds))];
    const all = stack.crm.activities().filter((a) => sessions.some((s) => a.externalId.startsWith(`${s}:`)));
    expect(all).toHaveLength(ids.size);
    const rows: { source: string; status: string }[] = await stack.db.query('SELECT source, status FROM call_logs WHERE account_id = $1 AND telephony_session_id = ANY($2)', [accountId, sessions]);
    expect(rows.filter((r) => r.source === 'call-log').length).toBeGreaterThan(0);

    // What the admin sees: the source filter, the record per call, the sync with the subscription.
    const admin = AdminClient.bearer(stack.app.url, await rcAccessToken(stack.sim, simAccount.id));
    const reconciled = await admin.allCallLogs('source=call-log');
    expect(reconciled.length).toBe(rows.filter((r) => r.source === 'call-log').length);
    expect(reconciled.every((c) => c.source === 'call-log' && c.recordState === 'merged' && typeof c.recordDuration === 'number')).toBe(true);
    const bad = await admin.get('/admin/call-logs?source=webhook');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('source');
    const one = await admin.get(`/admin/call-logs/${reconciled[0].id}`);
    expect(JSON.stringify(one.body)).toContain('reconciled: the call log shows this call and no notification made a row');
    const subscription = await admin.get('/admin/subscription');
    expect(subscription.status).toBe(200);
    expect(subscription.body.callLogSync).toMatchObject({ watermark: expect.any(String), lastRunAt: expect.any(String), lastError: null, leftOut: null });
  });
});

describe('call records: people who moved into another session (e2e)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ env: SYNC_ENV });
  });
  afterAll(() => stack.close());

  it('a conference and a warm transfer are logged where the conversation went on, and the call log does not add the session it left', async () => {
    const { accountId, simAccount } = await onboard(stack);
    const plays = [
      await stack.sim.play(simAccount.id, 'conference', { externalNumber: DEMO_NUMBERS.jane }),
      await stack.sim.play(simAccount.id, 'warm-transfer', { externalNumber: DEMO_NUMBERS.john }),
    ];
    const gone = plays.flatMap((p) => p.noLeg.filter((n) => n.reason === 'gone' && n.extensionId));
    expect(gone.length).toBeGreaterThanOrEqual(2);
    // The call log lists the person's time in the session they left (the simulator files it, as RingCentral does).
    const ids = new Set(plays.flatMap((p) => p.legs).filter((l) => !l.internal).map(externalId));
    await waitFor(async () => [...ids].every((id) => stack.crm.activities().some((a) => a.externalId === id)) || undefined, 60_000, 'the legs logged');
    const sessions = plays.flatMap((p) => p.telephonySessionIds);
    // The sync has read these calls' records (merged into their legs)…
    await waitFor(
      async () => {
        const rows: { n: string }[] = await stack.db.query(`SELECT count(*) AS n FROM call_logs WHERE account_id = $1 AND telephony_session_id = ANY($2) AND record_state = 'merged'`, [accountId, sessions]);
        return Number(rows[0]!.n) >= ids.size || undefined;
      },
      60_000,
      'the records merged',
    );
    // …and reads them again (10 min overlap) once the events' grace (15 s) is over, when a leg with no row is reconciled.
    const lastEnd = Math.max(...plays.map((p) => Date.parse(p.endTime)));
    await new Promise((r) => setTimeout(r, Math.max(0, lastEnd + 15_000 + 3 * 2_000 - Date.now())));
    const rows: { telephony_session_id: string; rc_extension_id: string }[] = await stack.db.query(
      'SELECT telephony_session_id, rc_extension_id FROM call_logs WHERE account_id = $1 AND telephony_session_id = ANY($2)',
      [accountId, sessions],
    );
    // One row per leg (internal ones too, skipped by the default settings), none for a party that went Gone.
    expect(rows.map((r) => `${r.telephony_session_id}:${r.rc_extension_id}`).sort()).toEqual(plays.flatMap((p) => p.legs).map(externalId).sort());
    for (const g of gone) expect(rows.some((r) => r.telephony_session_id === g.telephonySessionId && r.rc_extension_id === g.extensionId)).toBe(false);
    expect(stack.crm.activities().filter((a) => sessions.includes(a.externalId.split(':')[0]!))).toHaveLength(ids.size);
  });
});

describe('call records: staged and single log modes (e2e)', () => {
  const time = jumpClock();
  let stack: Stack;
  let apiKey: string;

  beforeAll(async () => {
    // Records are filed 10 (simulated) minutes after the call, so the test decides when they appear.
    stack = await startStack({ env: SYNC_ENV, sim: { clock: time.clock, callLogDelayMs: 600_000, recordingDelayMs: 0, recordDurationExtraSeconds: 3, accessTokenTtlSeconds: 86400 } });
    apiKey = stack.crm.issueApiKey();
  });
  afterAll(() => stack.close());

  it('staged: created from the events, then updated once with the record; a note typed in the CRM in between survives', async () => {
    const { accountId, simAccount } = await onboard(stack, { users: DEMO_PEOPLE }, { logMode: 'staged' });
    const agent = simAccount.extensions.find((e) => e.type === 'User')!;
    const answered = await stack.sim.play(simAccount.id, 'inbound-answered', { externalNumber: DEMO_NUMBERS.jane, agentId: agent.id, recorded: true });
    const voicemail = await stack.sim.play(simAccount.id, 'voicemail', { externalNumber: DEMO_NUMBERS.john, agentId: agent.id });
    const legs = [...answered.legs, ...voicemail.legs];
    const created = await waitFor(async () => {
      const found = stack.crm.activities().filter((a) => legs.some((l) => a.externalId === externalId(l)));
      return found.length === legs.length ? found : undefined;
    }, 60_000, 'both calls logged from the events');
    for (const activity of created) await personEdits(stack, activity, apiKey);

    time.jump(15 * 60_000);
    const rows = await waitFor(async () => {
      const r = await stack.db.query(`SELECT * FROM call_logs WHERE account_id = $1 AND update_state = 'updated'`, [accountId]);
      return r.length === legs.length ? r : undefined;
    }, 60_000, 'both logs updated');

    const records = stack.sim.callLogRecords(simAccount.id);
    for (const leg of legs) {
      const activity = stack.crm.activities().find((a) => a.externalId === externalId(leg))!;
      const record = records.find((r) => r.telephonySessionId === leg.telephonySessionId)!;
      const row = rows.find((r: { telephony_session_id: string }) => r.telephony_session_id === leg.telephonySessionId);
      expect(activity.duration).toBe(record.duration);
      expect(activity.result).toBe(record.result);
      expect(activity.body).toContain('Customer wants a callback on Monday.');
      expect(activity.note).toBe('Typed by Alice in the CRM');
      expect(activity.body.match(/- Duration: /g)).toHaveLength(1);
      expect(row.record_state).toBe('merged');
      // The job appends its timeline after the state change (a statement of its own): wait for the update's entry.
      const crmCalls = await waitFor(async () => {
        const calls = (await timelineKinds(stack, row.id)).filter((e) => e.kind === 'crm');
        return calls.length >= 2 ? calls : undefined;
      }, 10_000, 'the update in the timeline');
      expect(crmCalls.map((e) => e.detail.operation)).toEqual(['createCallLog', 'updateCallLog']);
    }
    const recorded = stack.crm.activities().find((a) => a.externalId === externalId(answered.legs[0]))!;
    expect(recorded.recordingUrl).toMatch(/\/recording\/[^/]+\/content$/);
    expect(recorded.body).toContain(`- Call recording link: ${recorded.recordingUrl}`);
    const vm = stack.crm.activities().find((a) => a.externalId === externalId(voicemail.legs[0]))!;
    expect(vm.body).toMatch(/- Voicemail recording link: https:\/\/ringcentral\.github\.io\/ringcentral-media-reader\/\?media=/);
  });

  it('staged through the proxy connector (sample CRM proxy config): the person\'s note survives the update', async () => {
    const simAccount = stack.sim.addAccount({ users: DEMO_PEOPLE });
    const onboarding = stack.app.app.get(AccountOnboardingService);
    const accounts = stack.app.app.get(AccountsRepository);
    const { account } = await onboarding.connectRingCentral(stack.sim.issueJwt(simAccount.id));
    await onboarding.setConnector(account.id, 'proxy', PROXY_CONFIG);
    await accounts.update(account.id, { settings: { adminCrmUserId: 'usr_1001', logMode: 'staged' } });
    await onboarding.setServerLoggingSettings((await accounts.findById(account.id))!, { baseUrl: stack.crm.apiUrl, apiKey });
    await onboarding.setEnabled((await accounts.findById(account.id))!, true);
    const play = await stack.sim.play(simAccount.id, 'inbound-answered', { externalNumber: DEMO_NUMBERS.jane, recorded: true });
    const leg = play.legs[0];
    const [created] = await waitFor(async () => {
      const found = stack.crm.activities().filter((a) => a.externalId === externalId(leg));
      return found.length ? found : undefined;
    }, 60_000, 'logged from the events');
    await personEdits(stack, created, apiKey);
    time.jump(15 * 60_000);
    const [row] = await waitFor(async () => {
      const r = await stack.db.query(`SELECT * FROM call_logs WHERE account_id = $1 AND update_state = 'updated'`, [account.id]);
      return r.length ? r : undefined;
    }, 60_000, 'the log updated');
    const record = stack.sim.callLogRecords(simAccount.id).find((r) => r.telephonySessionId === leg.telephonySessionId)!;
    const activity = stack.crm.activities().find((a) => a.externalId === externalId(leg))!;
    expect(activity.duration).toBe(record.duration);
    expect(activity.recordingUrl).toBe(record.recording!.contentUri);
    expect(activity.body).toContain('Customer wants a callback on Monday.');
    expect(activity.note).toBe('Typed by Alice in the CRM');
    const crmCalls = (await timelineKinds(stack, row.id)).filter((e) => e.kind === 'crm');
    expect(crmCalls.map((e) => e.detail.operation)).toEqual(['createCallLog', 'updateCallLog']);
  });

  it('single: one create per leg with the final values, no update', async () => {
    const { accountId, simAccount } = await onboard(stack, { users: DEMO_PEOPLE }, { logMode: 'single' });
    const agent = simAccount.extensions.find((e) => e.type === 'User')!;
    const play = await stack.sim.play(simAccount.id, 'outbound-answered', { externalNumber: DEMO_NUMBERS.acmeMain, agentId: agent.id });
    const leg = play.legs[0];
    await waitFor(async () => {
      const [r] = await stack.db.query(`SELECT reason FROM call_logs WHERE account_id = $1 AND telephony_session_id = $2`, [accountId, leg.telephonySessionId]);
      return r?.reason === 'waiting-for-record' ? r : undefined;
    }, 60_000, 'the leg waiting for its record');
    expect(stack.crm.activities().filter((a) => a.externalId === externalId(leg))).toHaveLength(0);

    time.jump(15 * 60_000);
    const [row] = await waitFor(async () => {
      const r = await stack.db.query(`SELECT * FROM call_logs WHERE account_id = $1 AND telephony_session_id = $2 AND status = 'logged'`, [accountId, leg.telephonySessionId]);
      return r.length ? r : undefined;
    }, 60_000, 'logged once the record is in');
    const record = stack.sim.callLogRecords(simAccount.id).find((r) => r.telephonySessionId === leg.telephonySessionId)!;
    const activities = stack.crm.activities().filter((a) => a.externalId === externalId(leg));
    expect(activities).toHaveLength(1);
    expect(activities[0].duration).toBe(record.duration);
    expect(activities[0].result).toBe(record.result);
    expect(row.update_state).toBe('not-needed');
    const crmCalls = (await timelineKinds(stack, row.id)).filter((e) => e.kind === 'crm');
    expect(crmCalls.map((e) => e.detail.operation)).toEqual(['createCallLog']);
  });
});

describe('call records: the service stopped during traffic (e2e)', () => {
  let db: TestDatabase;
  let sim: RingCentralSim;
  let crm: SampleCrm;
  let app: TestApp | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    sim = await startRingCentralSim({ seed: 7, defaultPaceMs: 1, webhookFailureThreshold: 1000 });
    crm = await startSampleCrm({ demoData: true });
  });
  afterAll(async () => {
    await app?.close();
    await Promise.all([sim.close(), crm.close()]);
    await db.drop();
  });

  it('calls made during a minute it was down are logged once after it is started again, from its watermark', async () => {
    const port = String(await findFreePort());
    const env = {
      PORT: port,
      ...simulatorEnv(sim, port),
      ...SYNC_ENV,
    };
    app = await startTestApp(env, db);
    const simAccount = sim.addAccount({ users: DEMO_PEOPLE });
    const onboarding = app.app.get(AccountOnboardingService);
    const accounts = app.app.get(AccountsRepository);
    const { account } = await onboarding.connectRingCentral(sim.issueJwt(simAccount.id));
    await onboarding.setConnector(account.id, 'sample-crm', { baseUrl: crm.apiUrl });
    await accounts.update(account.id, { settings: { adminCrmUserId: 'usr_1001' } });
    await onboarding.setServerLoggingSettings((await accounts.findById(account.id))!, { apiKey: crm.issueApiKey() });
    await onboarding.setEnabled((await accounts.findById(account.id))!, true);
    const db0 = app.app.get(DataSource);
    await waitFor(async () => ((await db0.query('SELECT 1 FROM call_log_sync WHERE account_id = $1 AND watermark IS NOT NULL', [account.id])).length ? true : undefined), 30_000, 'a first sync');

    const before = await sim.playRandom(simAccount.id, 5, { mix: SIMPLE_MIX, rate: 20, externalNumbers: EXTERNAL });
    await app.close();
    app = undefined;
    // Down for a minute: every notification of the calls made meanwhile is refused (nobody listens), only the call
    // log has them. They are spread over the minute, so the sync's watermark, not one burst, has to cover them.
    const downSince = Date.now();
    const during = await sim.playRandom(simAccount.id, 8, { mix: SIMPLE_MIX, rate: 8 / 50, externalNumbers: EXTERNAL });
    await new Promise((r) => setTimeout(r, Math.max(0, 60_000 - (Date.now() - downSince))));
    app = await startTestApp(env, db);
    const after = await sim.playRandom(simAccount.id, 5, { mix: SIMPLE_MIX, rate: 20, externalNumbers: EXTERNAL });

    const plays = [...before, ...during, ...after];
    const ids = new Set(plays.flatMap((p) => p.legs).filter((l) => !l.internal).map(externalId));
    await waitFor(async () => (new Set(crm.activities().filter((a) => ids.has(a.externalId)).map((a) => a.externalId)).size === ids.size ? true : undefined), 120_000, `${ids.size} legs logged`);
    const sessions = new Set(plays.flatMap((p) => p.telephonySessionIds));
    expect(crm.activities().filter((a) => sessions.has(a.externalId.split(':')[0]))).toHaveLength(ids.size);
    const duringIds = new Set(during.flatMap((p) => p.legs).filter((l) => !l.internal).map(externalId));
    const rows: { telephony_session_id: string; rc_extension_id: string; source: string }[] = await app.app.get(DataSource).query('SELECT telephony_session_id, rc_extension_id, source FROM call_logs WHERE account_id = $1', [account.id]);
    const duringRows = rows.filter((r) => duringIds.has(`${r.telephony_session_id}:${r.rc_extension_id}`));
    expect(duringRows.length).toBe(duringIds.size);
    expect(duringRows.every((r) => r.source === 'call-log')).toBe(true);
  }, 300_000);
});

describe('call records: bounded waits (e2e)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ env: { ...SYNC_ENV, CALL_LOG_RECORD_WAIT_SECONDS: '3' }, sim: { recordingDelayMs: 3_600_000 } });
  });
  afterAll(() => stack.close());

  it('a recording that never comes: updated without it after the wait, and the call says so; a record that never comes: not found, no update', async () => {
    const { accountId, simAccount } = await onboard(stack, { users: DEMO_PEOPLE });
    const recorded = await stack.sim.play(simAccount.id, 'inbound-answered', { externalNumber: DEMO_NUMBERS.jane, recorded: true });
    stack.sim.setKnobs({ callLogDelayMs: 3_600_000 });
    const unrecorded = await stack.sim.play(simAccount.id, 'outbound-answered', { externalNumber: DEMO_NUMBERS.john });
    const row = (tsid: string) => stack.db.query('SELECT * FROM call_logs WHERE account_id = $1 AND telephony_session_id = $2', [accountId, tsid]).then((r: any[]) => r[0]);
    const missing = await waitFor(async () => {
      const r = await row(recorded.telephonySessionIds[0]);
      return r?.update_state === 'updated' ? r : undefined;
    }, 60_000, 'the recorded call updated');
    expect(missing.recording_state).toBe('missing');
    expect(missing.recording_link).toBeNull();
    const activity = stack.crm.activities().find((a) => a.externalId === externalId(recorded.legs[0]))!;
    expect(activity.recordingUrl).toBeNull();
    expect(JSON.stringify(await timelineKinds(stack, missing.id))).toContain('recording not ready within 3s');

    const notFound = await waitFor(async () => {
      const r = await row(unrecorded.telephonySessionIds[0]);
      return r?.record_state === 'not-found' ? r : undefined;
    }, 60_000, 'the record not found');
    expect(notFound.status).toBe('logged');
    expect(notFound.update_state).toBe('not-needed');
    expect(JSON.stringify(await timelineKinds(stack, notFound.id))).toContain('no call-log record within 3s');
  });
});
