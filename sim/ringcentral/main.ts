import { startRingCentralSim } from './index';
import type { RingCentralSimOptionsInput } from './sim-options';

/**
 * Runnable simulator (`npm run sim`, the docker-compose `sim` profile). Configuration from the environment:
 * PORT (default 4010), SIM_HOST (127.0.0.1; use 0.0.0.0 in a container), SIM_CLIENT_ID / SIM_CLIENT_SECRET,
 * SIM_SEED, SIM_CALL_LOG_DELAY_MS, SIM_ACCESS_TOKEN_TTL_SECONDS, SIM_WEBHOOK_FAILURE_THRESHOLD, SIM_PACE_MS,
 * SIM_DEMO_ACCOUNT=1 (create one account at boot and print its id and the admin's JWT).
 */

function num(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number, got "${raw}"`);
  return n;
}

async function main(): Promise<void> {
  const options: RingCentralSimOptionsInput = {
    port: num('PORT') ?? 4010,
    host: process.env.SIM_HOST || '127.0.0.1',
    clientId: process.env.SIM_CLIENT_ID || undefined,
    clientSecret: process.env.SIM_CLIENT_SECRET || undefined,
    seed: num('SIM_SEED'),
    callLogDelayMs: num('SIM_CALL_LOG_DELAY_MS'),
    accessTokenTtlSeconds: num('SIM_ACCESS_TOKEN_TTL_SECONDS'),
    webhookFailureThreshold: num('SIM_WEBHOOK_FAILURE_THRESHOLD'),
    defaultPaceMs: num('SIM_PACE_MS'),
  };
  const sim = await startRingCentralSim(options);
  console.log(`RingCentral simulator listening on ${sim.url}`);
  console.log(`  client id: ${sim.options.clientId}  client secret: ${sim.options.clientSecret}`);
  if (process.env.SIM_DEMO_ACCOUNT === '1') {
    const account = sim.addAccount();
    console.log(`  demo account ${account.id}, main number ${account.mainNumber}`);
    console.log(`  admin JWT: ${sim.issueJwt(account.id)}`);
  }
  const stop = (): void => {
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
