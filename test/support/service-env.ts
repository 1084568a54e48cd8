import type { RingCentralSim } from '../../sim/ringcentral';
import { TEST_ENCRYPTION_KEY, TEST_HASH_KEY } from './test-app';
import type { TestDatabase } from './test-database';

/**
 * The settings that point a service at the RingCentral simulator: the platform and the app's credentials, the
 * address webhooks are posted to (when the service listens on `port`), and a short quiet period so tests settle fast.
 */
export function simulatorEnv(sim: RingCentralSim, port?: string | number): Record<string, string> {
  return {
    RINGCENTRAL_SERVER: sim.url,
    RINGCENTRAL_CLIENT_ID: sim.options.clientId,
    RINGCENTRAL_CLIENT_SECRET: sim.options.clientSecret,
    ...(port !== undefined && { PUBLIC_BASE_URL: `http://127.0.0.1:${port}` }),
    SESSION_QUIET_SECONDS: '1',
  };
}

/** A service process of its own (spawnService) on a test database, with the test run's keys. */
export function databaseEnv(db: TestDatabase): Record<string, string> {
  return { DATABASE_URL: db.url, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, HASH_KEY: TEST_HASH_KEY };
}
