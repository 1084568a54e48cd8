import { DEMO_NUMBERS, startSampleCrm, type SampleCrm } from '../../sim/crm';
import { startRingCentralSim, type RingCentralSim } from '../../sim/ringcentral';
import { AccountOnboardingService } from '../../src/admin/account-onboarding.service';
import { AccountsRepository } from '../../src/accounts/accounts.repository';
import { findFreePort } from '../../src/database/embedded-postgres.launcher';
import { admittedLegs, legKey } from '../support/leg-expectations';
import { type ServiceProcess, spawnService, waitForHealthy } from '../support/spawn-service';
import { DEMO_PEOPLE } from '../support/stack';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { waitFor } from '../support/wait-for';
import { databaseEnv, simulatorEnv } from '../support/service-env';

/**
 * Issue 16, "replicas share their limits": two replicas (each with workers) log one account's calls into a CRM that
 * allows 8 concurrent requests per account. CRM_CONCURRENCY_PER_ACCOUNT=8 holds across both (each alone would allow
 * 8, 16 together). Then the admin rotates the CRM key: the old one is refused by the CRM at once, and no replica may
 * use it again (each cached it for 30 s before).
 */
describe('replicas share per-account limits and see credential changes', () => {
  let db: TestDatabase;
  let sim: RingCentralSim;
  let crm: SampleCrm;
  let admin: TestApp;
  const replicas: ServiceProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    sim = await startRingCentralSim({ seed: 16, defaultPaceMs: 1 });
    crm = await startSampleCrm({ demoData: true, latencyMs: 120 });
  });

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await admin?.close();
    await Promise.all([sim.close(), crm.close()]);
    await db.drop();
  });

  it('never more than 8 CRM requests of the account in flight across two replicas; a rotated key is used by both at once', async () => {
    const apiPort = String(await findFreePort());
    const env = {
      ...databaseEnv(db),
      ...simulatorEnv(sim, apiPort),
      CRM_CONCURRENCY_PER_ACCOUNT: '8',
    };
    replicas.push(await spawnService({ ...env, PORT: apiPort }), await spawnService(env));
    await Promise.all(replicas.map((r) => waitForHealthy(r)));

    admin = await startTestApp({ ...env, ROLE: 'api' }, db);
    const simAccount = sim.addAccount({ users: DEMO_PEOPLE, queues: 1 });
    const onboarding = admin.app.get(AccountOnboardingService);
    const accounts = admin.app.get(AccountsRepository);
    const { account } = await onboarding.connectRingCentral(sim.issueJwt(simAccount.id));
    await onboarding.setConnector(account.id, 'sample-crm', { baseUrl: crm.apiUrl });
    await accounts.update(account.id, { settings: { adminCrmUserId: 'usr_1001' } });
    const oldKey = crm.issueApiKey();
    await onboarding.setServerLoggingSettings((await accounts.findById(account.id))!, { apiKey: oldKey });
    await onboarding.setEnabled((await accounts.findById(account.id))!, true);

    const numbers = [DEMO_NUMBERS.jane, DEMO_NUMBERS.john, DEMO_NUMBERS.acmeMain, DEMO_NUMBERS.unknown];
    const mix = { 'inbound-answered': 3, 'outbound-answered': 2, missed: 1 };
    const first = admittedLegs(await sim.playRandom(simAccount.id, 120, { rate: 120, externalNumbers: numbers, mix }));
    await waitFor(async () => (crm.activities().length >= first.length ? true : undefined), 120_000, `${first.length} activities`);
    const busiest = crm.stats().maxInFlightPerKey;
    expect(busiest).toBeLessThanOrEqual(8);
    // The limit was reached (the run was busy enough to exceed it without the shared slots).
    expect(busiest).toBeGreaterThanOrEqual(8);

    // The admin rotates the CRM key; the CRM refuses the old one from now on. Requests already on their way with the
    // old key (staged updates may be running) are refused: they are retried with the new key and pause nothing.
    await onboarding.setServerLoggingSettings((await accounts.findById(account.id))!, { apiKey: crm.issueApiKey() });
    crm.revokeApiKey(oldKey);
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // the CRM answers in 120 ms
    const refusedBefore = crm.stats().byStatus['401'] ?? 0;
    const second = admittedLegs(await sim.playRandom(simAccount.id, 30, { rate: 60, externalNumbers: numbers, mix }));
    const all = [...first, ...second].map(legKey).sort();
    await waitFor(async () => (crm.activities().length >= all.length ? true : undefined), 120_000, `${all.length} activities`);
    expect(crm.activities().map((a) => a.externalId).sort()).toEqual(all);
    // Neither replica sent the old key after the change, and a refusal of a request in flight paused nothing.
    expect((crm.stats().byStatus['401'] ?? 0) - refusedBefore).toBe(0);
    expect((await accounts.findById(account.id))!.pausedReason).toBeNull();
  }, 300_000);
});
