import { RateLimitGate } from '../../src/ringcentral/rate-limit.gate';
import { RingCentralRateLimitedError } from '../../src/ringcentral/ringcentral.errors';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { waitFor } from '../support/wait-for';

const penalized = (gate: RateLimitGate, account: string): boolean => {
  try {
    gate.assertOpen(account, 'heavy');
    return false;
  } catch (error) {
    if (error instanceof RingCentralRateLimitedError) return true;
    throw error;
  }
};

/**
 * Issue 16: a RingCentral penalty (429 with Retry-After) seen by one replica holds in every replica of the
 * deployment, running ones (NOTIFY) and ones started later (the penalties table), for that account and group only.
 */
describe('RingCentral rate-limit penalties shared by replicas', () => {
  let db: TestDatabase;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await db.drop();
  });

  it('a 429 seen by one replica closes the group in the others', async () => {
    apps.push(await startTestApp({ ROLE: 'api' }, db), await startTestApp({ ROLE: 'api' }, db));
    const [first, second] = apps.map((a) => a.app.get(RateLimitGate));
    expect(penalized(second!, 'acct-1')).toBe(false);

    first!.observe('acct-1', 'heavy', 429, new Headers({ 'retry-after': '60' }));
    expect(penalized(first!, 'acct-1')).toBe(true);
    await waitFor(async () => (penalized(second!, 'acct-1') ? true : undefined), 10_000, 'the penalty in the other replica');
    // Other accounts and groups are not affected.
    expect(penalized(second!, 'acct-2')).toBe(false);
    expect(() => second!.assertOpen('acct-1', 'light')).not.toThrow();

    apps.push(await startTestApp({ ROLE: 'api' }, db));
    expect(penalized(apps[2]!.app.get(RateLimitGate), 'acct-1')).toBe(true);
  });
});
