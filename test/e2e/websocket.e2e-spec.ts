import { Client } from 'pg';
import { DEMO_NUMBERS, startSampleCrm, type SampleCrm } from '../../sim/crm';
import { SCENARIO_NAMES, startRingCentralSim, type RingCentralSim } from '../../sim/ringcentral';
import type { PlayResult } from '../../sim/ringcentral/sim-types';
import { AccountOnboardingService } from '../../src/admin/account-onboarding.service';
import { AdminSubscriptionService } from '../../src/admin/subscription/admin-subscription.service';
import { AccountsRepository } from '../../src/accounts/accounts.repository';
import { legKey } from '../support/leg-expectations';
import { type ServiceProcess, spawnService, waitForHealthy } from '../support/spawn-service';
import { DEMO_PEOPLE, onboard, startStack, type Stack } from '../support/stack';
import { startTestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { waitFor } from '../support/wait-for';
import { databaseEnv, simulatorEnv } from '../support/service-env';

const EXTERNAL_NUMBERS = [DEMO_NUMBERS.jane, DEMO_NUMBERS.john, DEMO_NUMBERS.acmeMain, DEMO_NUMBERS.unknown];
/** Room for the recovery buffer: this test is about the service recovering, not about the gateway's 100-message cap. */
const SIM = { wsRecoveryBufferSize: 10_000 };

const admittedKeys = (plays: PlayResult[]) => plays.flatMap((p) => p.legs).filter((l) => !l.internal).map(legKey).sort();

/**
 * RINGCENTRAL_TRANSPORT=websocket, end to end: the service opens a WebSocket to the simulator's gateway (wstoken,
 * ConnectionDetails, a subscription over ClientRequest) instead of exposing a webhook, and the scenarios that the
 * webhook e2e plays land the same way: every leg once, with its facts, and one CRM activity per admitted leg.
 */
describe('WebSocket transport (simulator + sample CRM e2e)', () => {
  let stack: Stack;
  let accountId: string;
  let simAccountId: string;

  beforeAll(async () => {
    stack = await startStack({ sim: SIM, env: { RINGCENTRAL_TRANSPORT: 'websocket', RINGCENTRAL_WEBSOCKET_LEASE_SECONDS: '3' } });
    ({ accountId, simAccount: { id: simAccountId } } = await onboard(stack));
    await waitFor(async () => (stack.sim.stats().websockets.openByAccount[simAccountId] === 1 ? true : undefined), 30_000, 'the account’s socket');
  });

  afterAll(async () => {
    await stack.close();
  });

  async function expectLogged(plays: PlayResult[]): Promise<void> {
    const sessions = plays.flatMap((p) => p.telephonySessionIds);
    const expected = plays.flatMap((p) => p.legs);
    const legs = () => stack.db.query('SELECT * FROM call_logs WHERE account_id = $1 AND telephony_session_id = ANY($2)', [accountId, sessions]);
    const admitted = admittedKeys(plays);
    const activities = () => stack.crm.activities().filter((a) => sessions.some((s) => a.externalId.startsWith(`${s}:`)));
    await waitFor(async () => ((await legs()).length >= expected.length && activities().length >= admitted.length ? true : undefined), 90_000, `${expected.length} legs`);
    // Legs decided at the quiet period settle after SESSION_QUIET_SECONDS; leave room for a wrong extra one.
    await new Promise((r) => setTimeout(r, 2500));
    const rows = await legs();
    expect(rows.map((r: { telephony_session_id: string; rc_extension_id: string }) => legKey({ telephonySessionId: r.telephony_session_id, extensionId: r.rc_extension_id })).sort()).toEqual(expected.map(legKey).sort());
    for (const leg of expected) {
      const row = rows.find((r: { telephony_session_id: string; rc_extension_id: string }) => r.telephony_session_id === leg.telephonySessionId && r.rc_extension_id === leg.extensionId);
      expect({ direction: row.direction, kind: row.kind, other: row.other_number, start: row.started_at.toISOString(), end: row.call_ended_at.toISOString() }).toEqual({
        direction: leg.direction,
        kind: leg.kind,
        other: leg.otherPartyNumber,
        start: leg.callStartTime,
        end: leg.endTime,
      });
    }
    expect(activities().map((a) => a.externalId).sort()).toEqual(admitted);
  }

  async function storedUuids(): Promise<string[]> {
    return (await stack.db.query('SELECT uuid FROM inbound_events WHERE account_id = $1', [accountId])).map((r: { uuid: string }) => r.uuid);
  }

  it('subscribes over the socket (no webhook), and the admin sees the transport and the connection', async () => {
    const subs = stack.sim.subscriptions(simAccountId).filter((s) => !s.deleted);
    expect(subs).toHaveLength(1);
    expect(subs[0]).toMatchObject({ transport: 'WebSocket', status: 'Active', eventFilters: [expect.stringMatching(/\/restapi\/v1\.0\/account\/\d+\/telephony\/sessions$/)] });
    expect(stack.sim.stats().deliveries.validations).toBe(0);
    const view = await stack.app.app.get(AdminSubscriptionService).get(accountId);
    expect(view).toMatchObject({ id: subs[0]!.id, deliveryMode: 'WebSocket', transport: 'websocket', connection: { state: 'connected', holder: expect.stringContaining(`:${process.pid}:`), leaseExpired: false } });
  });

  it('records every scenario kind exactly once, with its facts', async () => {
    const plays: PlayResult[] = [];
    for (const scenario of SCENARIO_NAMES) plays.push(await stack.sim.play(simAccountId, scenario, { externalNumber: DEMO_NUMBERS.jane }));
    await expectLogged(plays);
  });

  it('is not fooled by duplicate and shuffled delivery', async () => {
    stack.sim.setKnobs({ duplicateRate: 0.5, shuffle: true });
    try {
      const plays = await stack.sim.playRandom(simAccountId, 40, { rate: 40, externalNumbers: EXTERNAL_NUMBERS });
      expect(plays.flatMap((p) => p.delivered).length).toBeGreaterThan(plays.flatMap((p) => p.events).length);
      await expectLogged(plays);
    } finally {
      stack.sim.setKnobs({ duplicateRate: 0, shuffle: false });
    }
  });

  it('a socket dropped mid-run: recovered with its wsc token, nothing lost, nothing twice', async () => {
    const before = stack.sim.stats().websockets;
    const playing = stack.sim.playRandom(simAccountId, 60, { rate: 15, externalNumbers: EXTERNAL_NUMBERS });
    await waitFor(async () => (stack.sim.stats().websockets.notifications - before.notifications >= 30 ? true : undefined), 30_000, 'notifications flowing');
    expect(stack.sim.dropWebSockets(simAccountId)).toBe(1);
    const plays = await playing;
    await expectLogged(plays);
    const after = stack.sim.stats().websockets;
    // The drop hit while calls were being delivered, and what was sent meanwhile came back through the recovery.
    expect(after.buffered - before.buffered).toBeGreaterThan(0);
    expect(after.recovered - before.recovered).toBe(1);
    expect(after.replayed - before.replayed).toBe(after.buffered - before.buffered);
    expect(after.overflowed).toBe(0);
    expect(after.openByAccount[simAccountId]).toBe(1);
    const stored = new Set(await storedUuids());
    expect(plays.flatMap((p) => p.delivered).filter((e) => !stored.has(e.uuid))).toEqual([]);
  });

  it("the admin's recreate: a new subscription on a new connection, the old one deleted, calls still logged", async () => {
    const [old] = stack.sim.subscriptions(simAccountId).filter((s) => !s.deleted);
    const view = await stack.app.app.get(AdminSubscriptionService).recreate(accountId);
    expect(view).toMatchObject({ transport: 'websocket', connection: { state: 'connected' } });
    expect(view.id).not.toBe(old!.id);
    expect(stack.sim.subscriptions(simAccountId).filter((s) => !s.deleted).map((s) => s.id)).toEqual([view.id]);
    await waitFor(async () => (stack.sim.stats().websockets.openByAccount[simAccountId] === 1 ? true : undefined), 10_000, 'one socket');
    await expectLogged([await stack.sim.play(simAccountId, 'inbound-answered', { externalNumber: DEMO_NUMBERS.john })]);
  });

  it('logging turned off: the socket is closed, the subscription deleted and the lease released', async () => {
    const onboarding = stack.app.app.get(AccountOnboardingService);
    const accounts = stack.app.app.get(AccountsRepository);
    await onboarding.setEnabled((await accounts.findById(accountId))!, false);
    await waitFor(async () => (!stack.sim.stats().websockets.openByAccount[simAccountId] ? true : undefined), 30_000, 'the socket closed');
    expect(stack.sim.subscriptions(simAccountId).filter((s) => !s.deleted)).toEqual([]);
    await waitFor(async () => ((await stack.db.query('SELECT 1 FROM websocket_leases WHERE account_id = $1', [accountId])).length === 0 ? true : undefined), 10_000, 'the lease released');
  });
});

/** Two replicas of the real build on one database: one connection per account, taken over when its holder dies. */
describe('WebSocket transport with two replicas', () => {
  let db: TestDatabase;
  let sim: RingCentralSim;
  let crm: SampleCrm;
  const replicas: ServiceProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    sim = await startRingCentralSim({ seed: 23, defaultPaceMs: 1, ...SIM });
    crm = await startSampleCrm({ demoData: true });
  });

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop('SIGKILL')));
    await Promise.all([sim.close(), crm.close()]);
    await db.drop();
  });

  it('one connection per account across the replicas; the survivor takes over a killed holder’s accounts', async () => {
    const env = {
      ...databaseEnv(db),
      ...simulatorEnv(sim),
      RINGCENTRAL_TRANSPORT: 'websocket',
      RINGCENTRAL_WEBSOCKET_LEASE_SECONDS: '3',
    };
    // Onboarding through the admin's service, from a short-lived api-role instance (it holds no connection).
    const admin = await startTestApp({ ...env, ROLE: 'api' }, db);
    const simAccounts = [sim.addAccount({ users: DEMO_PEOPLE, ivrMenus: 1, queues: 1 }), sim.addAccount({ users: DEMO_PEOPLE })];
    const onboarding = admin.app.get(AccountOnboardingService);
    const accounts = admin.app.get(AccountsRepository);
    for (const simAccount of simAccounts) {
      const { account } = await onboarding.connectRingCentral(sim.issueJwt(simAccount.id));
      await onboarding.setConnector(account.id, 'sample-crm', { baseUrl: crm.apiUrl });
      await accounts.update(account.id, { settings: { adminCrmUserId: 'usr_1001' } });
      await onboarding.setServerLoggingSettings((await accounts.findById(account.id))!, { apiKey: crm.issueApiKey() });
      await onboarding.setEnabled((await accounts.findById(account.id))!, true);
    }
    await admin.close();
    expect(sim.stats().websockets.connections).toBe(0);

    replicas.push(...(await Promise.all([spawnService(env), spawnService(env)])));
    await Promise.all(replicas.map((r) => waitForHealthy(r)));
    const ids = simAccounts.map((a) => a.id);
    const oneEach = () => ids.every((id) => sim.stats().websockets.openByAccount[id] === 1);
    await waitFor(async () => (oneEach() ? true : undefined), 30_000, 'one socket per account');
    // Several lease periods later, still one each: neither replica opened a second one.
    for (let i = 0; i < 8; i++) {
      await new Promise((r) => setTimeout(r, 500));
      expect(ids.map((id) => sim.stats().websockets.openByAccount[id])).toEqual([1, 1]);
    }
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      const holders = async () => (await pg.query<{ holder_id: string }>('SELECT holder_id FROM websocket_leases ORDER BY account_id')).rows.map((r) => r.holder_id);
      const pidOf = (holder: string) => Number(holder.split(':').at(-2));
      expect(await holders()).toHaveLength(2);

      const first = await sim.playRandom(ids[0]!, 20, { rate: 20, externalNumbers: EXTERNAL_NUMBERS });
      await waitFor(async () => (crm.activities().length >= admittedKeys(first).length ? true : undefined), 60_000, 'first calls logged');

      // Kill the replica holding the first account's connection; the other takes it over once the lease expires,
      // resuming the dead holder's gateway session: the calls made while nobody was connected arrive too.
      const firstHolder = pidOf((await holders())[0]!);
      const victim = replicas.find((r) => r.child.pid === firstHolder)!;
      const survivor = replicas.find((r) => r !== victim)!;
      const recoveredBefore = sim.stats().websockets.recovered;
      victim.child.kill('SIGKILL');
      await victim.exited;
      await waitFor(async () => (ids.some((id) => !sim.stats().websockets.openByAccount[id]) ? true : undefined), 10_000, 'the victim’s socket closed');
      const whileDead = [...(await sim.playRandom(ids[0]!, 8, { rate: 20, externalNumbers: EXTERNAL_NUMBERS })), ...(await sim.playRandom(ids[1]!, 8, { rate: 20, externalNumbers: EXTERNAL_NUMBERS }))];
      expect(sim.stats().websockets.buffered).toBeGreaterThan(0);
      await waitFor(async () => {
        const now = await holders();
        return now.length === 2 && now.every((h) => pidOf(h) === survivor.child.pid) && oneEach() ? true : undefined;
      }, 30_000, 'the survivor holding both accounts');
      expect(ids.map((id) => sim.stats().websockets.openByAccount[id])).toEqual([1, 1]);
      expect(sim.stats().websockets.recovered).toBeGreaterThan(recoveredBefore);

      // Calls on both accounts, so the one whose holder was killed is among them.
      const second = [...(await sim.playRandom(ids[0]!, 12, { rate: 20, externalNumbers: EXTERNAL_NUMBERS })), ...(await sim.playRandom(ids[1]!, 12, { rate: 20, externalNumbers: EXTERNAL_NUMBERS }))];
      const expected = [...admittedKeys(first), ...admittedKeys(whileDead), ...admittedKeys(second)].sort();
      await waitFor(async () => (crm.activities().length >= expected.length ? true : undefined), 60_000, 'calls after the takeover logged');
      await new Promise((r) => setTimeout(r, 2000));
      expect(crm.activities().map((a) => a.externalId).sort()).toEqual(expected);
    } finally {
      await pg.end();
    }
  });
});
