import fc from 'fast-check';
import { DEMO_NUMBERS } from '../../sim/crm';
import { AdminClient, onboardViaAdminApi, rcAccessToken } from '../support/admin-api';
import { hostileAdminRequest, type RawRequest, send } from '../support/hostile-admin';
import { admittedLegs, legKey } from '../support/leg-expectations';
import { DEMO_PEOPLE, startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait-for';

/** What an admin can read back of an account: a refused request must leave all of it as it was. */
async function storedState(admin: AdminClient): Promise<string> {
  const parts = await Promise.all(['/admin/settings', '/admin/server-logging-settings', '/admin/user-mappings', '/admin/plugins'].map((p) => admin.get(p)));
  return JSON.stringify(parts.map((p) => [p.status, p.body]));
}

/**
 * Issue 16, "every input validated at the edge": property-based requests to every admin route (fast-check) get a 2xx
 * or 4xx answer, never a 5xx, and a refused one changes nothing stored. Then the Done-when run: 5,000 hostile admin
 * requests while 100 calls are logged, with /health polled throughout. (Sources of hostile traffic are a list: the
 * webhook's can be added beside the admin's.)
 */
describe('hostile input', () => {
  let stack: Stack;
  let callAdmin: AdminClient;
  let callAccountId: string;
  let attacker: AdminClient;
  let attackerAuth: string;

  beforeAll(async () => {
    stack = await startStack();
    const callAccount = stack.sim.addAccount({ users: DEMO_PEOPLE });
    callAccountId = callAccount.id;
    callAdmin = AdminClient.bearer(stack.app.url, await rcAccessToken(stack.sim, callAccount.id));
    await onboardViaAdminApi(callAdmin, { jwt: stack.sim.issueJwt(callAccount.id), crmApiUrl: stack.crm.apiUrl, crmApiKey: stack.crm.issueApiKey(), settings: { adminCrmUserId: 'usr_1001' } });

    // The hostile admin has an account of their own (set up, not enabled), so what they may change never touches the call run.
    const other = stack.sim.addAccount({ users: DEMO_PEOPLE });
    attackerAuth = `Bearer ${await rcAccessToken(stack.sim, other.id)}`;
    attacker = new AdminClient(stack.app.url, attackerAuth);
    expect((await attacker.put('/admin/ringcentral/credentials', { jwt: stack.sim.issueJwt(other.id) })).status).toBe(200);
    expect((await attacker.patch('/admin/settings', { connector: { id: 'sample-crm', config: { baseUrl: stack.crm.apiUrl } } })).status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await stack.close();
  });

  it('any admin request gets 2xx or 4xx, and a refused one leaves stored data as it was', async () => {
    await fc.assert(
      fc.asyncProperty(hostileAdminRequest(), async (req) => {
        const before = await storedState(attacker);
        const status = await send(stack.app.url, attackerAuth, req);
        expect([req.method, req.path.slice(0, 120), status >= 200 && status < 500]).toEqual([req.method, req.path.slice(0, 120), true]);
        if (status >= 400) expect(await storedState(attacker)).toBe(before);
      }),
      { numRuns: 300 },
    );
  }, 240_000);

  it('the issue\'s cases answer 400 naming the field', async () => {
    const cases: Array<[RawRequest, string]> = [
      [{ method: 'GET', path: '/admin/call-logs?from=2024-W01' }, 'from'],
      [{ method: 'GET', path: '/admin/call-logs?to=20240101T101010Z' }, 'to'],
      [{ method: 'GET', path: `/admin/call-logs?cursor=${Buffer.from(JSON.stringify(['2024-13-45T99:99:99.000000Z', '5b0c1a9e-4f7b-4b43-9b8e-0d6f1f2a3b4c'])).toString('base64url')}` }, 'cursor'],
      [{ method: 'GET', path: '/admin/call-logs?rcExtensionId=%00' }, 'rcExtensionId'],
      [{ method: 'PATCH', path: '/admin/plugins/a%00b', body: '{}' }, 'id'],
      [{ method: 'PATCH', path: '/admin/settings', body: `{"connector":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}` }, `connector${'.a'.repeat(31)}`],
      [{ method: 'PATCH', path: '/admin/settings', body: '{"adminCrmUserId":"\\ud800"}' }, 'adminCrmUserId'],
    ];
    for (const [req, field] of cases) {
      const res = await fetch(`${stack.app.url}${req.path}`, { method: req.method, headers: { Authorization: attackerAuth, 'Content-Type': 'application/json' }, body: req.body });
      const body = (await res.json()) as { error?: { field?: string } };
      expect([req.path.slice(0, 60), res.status, body.error?.field]).toEqual([req.path.slice(0, 60), 400, field]);
    }
    const header = await attacker.patch('/admin/settings', { connector: { id: 'proxy', config: { meta: { logFormat: 'text/plain' }, requestDefaults: { defaultHeaders: { 'X-Key': 'a\r\nb' } }, operations: {} } } });
    expect([header.status, header.body.error?.field]).toEqual([400, 'connector.config.requestDefaults.defaultHeaders.X-Key']);
  });

  it('5,000 hostile admin requests during a 100-call run: no 5xx, /health 200 throughout, every call logged once', async () => {
    const sources: Array<{ name: string; requests: RawRequest[]; authorization?: string }> = [
      { name: 'admin', requests: fc.sample(hostileAdminRequest(), { numRuns: 5_000, seed: 16 }), authorization: attackerAuth },
    ];
    const statuses = new Map<string, number[]>();
    const health: number[] = [];
    let running = true;
    const healthLoop = (async () => {
      while (running) {
        health.push(await send(stack.app.url, undefined, { method: 'GET', path: '/health' }));
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const plays = stack.sim.playRandom(callAccountId, 100, { rate: 25, externalNumbers: [DEMO_NUMBERS.jane, DEMO_NUMBERS.john, DEMO_NUMBERS.unknown] });
    await Promise.all(
      sources.map(async (source) => {
        const seen: number[] = [];
        statuses.set(source.name, seen);
        let next = 0;
        await Promise.all(
          Array.from({ length: 12 }, async () => {
            while (next < source.requests.length) {
              const req = source.requests[next++]!;
              seen.push(await send(stack.app.url, source.authorization, req));
            }
          }),
        );
      }),
    );
    const legs = admittedLegs(await plays);
    const expected = legs.map(legKey).sort();
    const activities = await waitFor(
      async () => {
        const keys = stack.crm.activities().map((a) => a.externalId);
        return keys.length >= expected.length ? keys : undefined;
      },
      120_000,
      `${expected.length} activities`,
    );
    running = false;
    await healthLoop;

    for (const [name, seen] of statuses) {
      expect([name, seen.length, seen.filter((s) => s >= 500 || s === 0).length]).toEqual([name, 5_000, 0]);
    }
    expect(health.length).toBeGreaterThan(0);
    expect(health.filter((s) => s !== 200)).toEqual([]);
    expect([...activities].sort()).toEqual(expected);
  }, 600_000);
});
