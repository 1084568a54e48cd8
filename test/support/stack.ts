import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { startSampleCrm, type SampleCrm, type SampleCrmOptions } from '../../sim/crm';
import { startRingCentralSim, type RingCentralSim } from '../../sim/ringcentral';
import type { AccountSpec, SimAccount } from '../../sim/ringcentral/sim-types';
import { AccountOnboardingService } from '../../src/admin/account-onboarding.service';
import { AccountsRepository } from '../../src/accounts/accounts.repository';
import { findFreePort } from '../../src/database/embedded-postgres.launcher';
import { startTestApp, type TestApp } from './test-app';
import { waitFor } from './wait-for';
import { simulatorEnv } from './service-env';

export interface Stack {
  sim: RingCentralSim;
  crm: SampleCrm;
  app: TestApp;
  db: DataSource;
  close(): Promise<void>;
}

/**
 * The whole loop on real HTTP: RingCentral simulator, sample CRM, and the service pointed at both. Notifications come
 * by webhook unless `env` says otherwise or `E2E_RINGCENTRAL_TRANSPORT=websocket` runs a suite over WebSocket.
 */
export async function startStack(options: { sim?: Parameters<typeof startRingCentralSim>[0]; crm?: Partial<SampleCrmOptions>; env?: Record<string, string> } = {}): Promise<Stack> {
  const sim = await startRingCentralSim({ seed: 42, defaultPaceMs: 1, ...options.sim });
  const crm = await startSampleCrm({ demoData: true, ...options.crm });
  const port = await findFreePort();
  const app = await startTestApp({
    PORT: String(port),
    ...simulatorEnv(sim, port),
    // The call-log sync reads (and updates logs) only where a test asks for it with a short interval.
    CALL_LOG_SYNC_INTERVAL_SECONDS: '3600',
    ...(process.env.E2E_RINGCENTRAL_TRANSPORT && { RINGCENTRAL_TRANSPORT: process.env.E2E_RINGCENTRAL_TRANSPORT, RINGCENTRAL_WEBSOCKET_LEASE_SECONDS: '3' }),
    ...options.env,
  });
  return {
    sim,
    crm,
    app,
    db: app.app.get(DataSource),
    close: async () => {
      await app.close();
      await Promise.all([sim.close(), crm.close()]);
    },
  };
}

/** The demo CRM's users, named after these RingCentral users so auto-matching has something to find. */
export const DEMO_PEOPLE = [
  { firstName: 'Alice', lastName: 'Anderson', email: 'alice.anderson@example.com', admin: true },
  { firstName: 'Bob', lastName: 'Brown', email: 'bob.brown@example.com' },
  { firstName: 'Carol', lastName: 'Clark', email: 'carol.clark@example.com' },
  { firstName: 'Dave', lastName: 'Davis', email: 'dave.davis@example.com' },
];

/**
 * Onboards a simulated account the way an admin does (connect RingCentral, connector, server-logging settings,
 * enable) through the admin's service. Returns the service's account id and the simulator's account.
 */
export async function onboard(stack: Stack, spec: AccountSpec = { users: DEMO_PEOPLE, ivrMenus: 1, queues: [{ name: 'Support Queue' }] }, settings: Record<string, unknown> = {}) {
  const simAccount: SimAccount = stack.sim.addAccount(spec);
  const onboarding = stack.app.app.get(AccountOnboardingService);
  const accounts = stack.app.app.get(AccountsRepository);
  const { account } = await onboarding.connectRingCentral(stack.sim.issueJwt(simAccount.id));
  await onboarding.setConnector(account.id, 'sample-crm', { baseUrl: stack.crm.apiUrl });
  await accounts.update(account.id, { settings: { adminCrmUserId: 'usr_1001', ...settings } });
  await onboarding.setServerLoggingSettings((await accounts.findById(account.id))!, { apiKey: stack.crm.issueApiKey() });
  await onboarding.setEnabled((await accounts.findById(account.id))!, true);
  // Over WebSocket the subscription exists once the lease's holder has connected: calls played before would be lost.
  if (stack.app.config.ringcentral.transport === 'websocket') {
    await waitFor(async () => (stack.sim.stats().websockets.openByAccount[simAccount.id] === 1 ? true : undefined), 30_000, 'the account’s WebSocket');
  }
  return { accountId: account.id, simAccount };
}

export const randomName = (prefix: string) => `${prefix}-${randomBytes(3).toString('hex')}`;
