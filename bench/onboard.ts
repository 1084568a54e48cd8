import type { SampleCrm } from '../sim/crm';
import type { RingCentralSim } from '../sim/ringcentral';
import type { AccountSpec, SimAccount } from '../sim/ringcentral/sim-types';
import { AccountsRepository } from '../src/accounts/accounts.repository';
import { AccountOnboardingService } from '../src/admin/account-onboarding.service';
import { createApp } from '../src/bootstrap';
import { buildAppConfig } from '../src/config/app-config';
import { validateEnv } from '../src/config/env.schema';

export interface OnboardedAccount {
  /** The service's account id (accounts.id). */
  accountId: string;
  simAccount: SimAccount;
  subscriptionId: string;
  verificationToken: string;
}

/**
 * Onboards a simulated account the way an admin does (connect RingCentral, connector, server-logging settings,
 * enable), through the admin's onboarding service in a short-lived ROLE=api instance on the benchmark's database —
 * as the e2e tests do. Enabling creates the subscription, whose validation handshake reaches the running service
 * through PUBLIC_BASE_URL (the balancer).
 */
export async function onboard(args: {
  env: Record<string, string>;
  sim: RingCentralSim;
  crm: SampleCrm;
  spec: AccountSpec;
  adminCrmUserId: string;
}): Promise<OnboardedAccount> {
  const parsed = validateEnv({ LOG_LEVEL: 'warn', OUTBOUND_ALLOW_PRIVATE: 'true', ...args.env, ROLE: 'api', PORT: '0' });
  const config = buildAppConfig(parsed, { databaseUrl: parsed.DATABASE_URL!, embedded: false, encryptionKey: parsed.ENCRYPTION_KEY!, hashKey: parsed.HASH_KEY! });
  const app = await createApp(config);
  await app.init();
  try {
    const simAccount = args.sim.addAccount(args.spec);
    const onboarding = app.get(AccountOnboardingService);
    const accounts = app.get(AccountsRepository);
    const { account } = await onboarding.connectRingCentral(args.sim.issueJwt(simAccount.id));
    await onboarding.setConnector(account.id, 'sample-crm', { baseUrl: args.crm.apiUrl });
    await accounts.update(account.id, { settings: { adminCrmUserId: args.adminCrmUserId } });
    await onboarding.setServerLoggingSettings((await accounts.findById(account.id))!, { apiKey: args.crm.issueApiKey() });
    await onboarding.setEnabled((await accounts.findById(account.id))!, true);
    const subscription = args.sim.subscriptions(simAccount.id).find((s) => s.status === 'Active' && !s.deleted);
    if (!subscription?.verificationToken) throw new Error('onboarding created no active subscription with a verification token');
    return { accountId: account.id, simAccount, subscriptionId: subscription.id, verificationToken: subscription.verificationToken };
  } finally {
    await app.close();
  }
}
