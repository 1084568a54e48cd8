import { startSampleCrm, type SampleCrm, DEMO_NUMBERS } from '../../sim/crm';
import { startRingCentralSim, type RingCentralSim } from '../../sim/ringcentral';
import { AccountOnboardingService } from '../../src/admin/account-onboarding.service';
import { AccountsRepository } from '../../src/accounts/accounts.repository';
import { findFreePort } from '../../src/database/embedded-postgres.launcher';
import { type ServiceProcess, spawnService, waitForHealthy } from '../support/spawn-service';
import { DEMO_PEOPLE } from '../support/stack';
import { startTestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { waitFor } from '../support/wait-for';
import { databaseEnv, simulatorEnv } from '../support/service-env';

/**
 * Issue 4: "with the process killed mid-run and restarted, every log lands once". The webhook intake (ROLE=api) and
 * the workers (ROLE=worker) run as separate processes of the real build; the worker is killed with SIGKILL while
 * logs are in flight, then started again. Jobs it held expire and are retried; the CRM's idempotency key (the
 * call_logs id) keeps a retried create from making a second activity.
 */
describe('a worker killed mid-run and restarted', () => {
  let db: TestDatabase;
  let sim: RingCentralSim;
  let crm: SampleCrm;
  const processes: ServiceProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    sim = await startRingCentralSim({ seed: 11, defaultPaceMs: 1 });
    crm = await startSampleCrm({ demoData: true, latencyMs: 150 });
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    await Promise.all([sim.close(), crm.close()]);
    await db.drop();
  });

  it('logs every admitted leg exactly once', async () => {
    const apiPort = String(await findFreePort());
    const env = {
      ...databaseEnv(db),
      ...simulatorEnv(sim, apiPort),
      JOB_TIMEOUT_SECONDS: '4',
    };
    const api = await spawnService({ ...env, ROLE: 'api', PORT: apiPort });
    processes.push(api);
    await waitForHealthy(api);

    // Onboarding through the admin's service, from a short-lived api-role instance on the same database.
    const admin = await startTestApp({ ...env, ROLE: 'api' }, db);
    const simAccount = sim.addAccount({ users: DEMO_PEOPLE, ivrMenus: 1, queues: 1 });
    const onboarding = admin.app.get(AccountOnboardingService);
    const accounts = admin.app.get(AccountsRepository);
    const { account } = await onboarding.connectRingCentral(sim.issueJwt(simAccount.id));
    await onboarding.setConnector(account.id, 'sample-crm', { baseUrl: crm.apiUrl });
    await accounts.update(account.id, { settings: { adminCrmUserId: 'usr_1001' } });
    await onboarding.setServerLoggingSettings((await accounts.findById(account.id))!, { apiKey: crm.issueApiKey() });
    await onboarding.setEnabled((await accounts.findById(account.id))!, true);
    await admin.close();

    let worker = await spawnService({ ...env, ROLE: 'worker' });
    processes.push(worker);
    await waitForHealthy(worker);

    const numbers = [DEMO_NUMBERS.jane, DEMO_NUMBERS.john, DEMO_NUMBERS.acmeMain, DEMO_NUMBERS.unknown];
    const playing = sim.playRandom(simAccount.id, 80, { rate: 20, externalNumbers: numbers, mix: { 'inbound-answered': 3, 'outbound-answered': 2, missed: 1, queue: 1 } });
    // Kill the worker once logging is well under way, so some creates are in flight.
    await waitFor(async () => (crm.activities().length >= 15 ? true : undefined), 60_000, '15 activities before the kill');
    worker.child.kill('SIGKILL');
    expect(await worker.exited).toBeNull();
    const atKill = crm.activities().length;
    await new Promise((r) => setTimeout(r, 500));
    worker = await spawnService({ ...env, ROLE: 'worker' });
    processes.push(worker);
    await waitForHealthy(worker);

    const plays = await playing;
    const admitted = plays.flatMap((p) => p.legs).filter((l) => !l.internal);
    const externalIds = admitted.map((l) => `${l.telephonySessionId}:${l.extensionId}`).sort();
    await waitFor(async () => (crm.activities().length >= admitted.length ? true : undefined), 90_000, `${admitted.length} activities`);
    await new Promise((r) => setTimeout(r, 3000)); // room for a wrong duplicate to show up
    const activities = crm.activities();
    expect(atKill).toBeLessThan(admitted.length);
    expect(activities.map((a) => a.externalId).sort()).toEqual(externalIds);
  });
});
