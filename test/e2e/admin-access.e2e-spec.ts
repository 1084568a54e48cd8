import { randomUUID } from 'node:crypto';
import { DEMO_NUMBERS } from '../../sim/crm';
import type { SimAccount } from '../../sim/ringcentral/sim-types';
import { AccountsRepository } from '../../src/accounts/accounts.repository';
import { AdminClient, onboardViaAdminApi, rcAccessToken } from '../support/admin-api';
import { DEMO_PEOPLE, startStack, type Stack } from '../support/stack';

const EVE = { firstName: 'Eve', lastName: 'Evans', email: 'eve.evans@example.net' };

/** Every admin route, with a body that would be accepted from an admin of the account. */
function routes(callLogId: string, rcExtensionId: string): [method: string, path: string, body?: unknown][] {
  return [
    ['PUT', '/admin/ringcentral/credentials', { jwt: 'x.y.z' }],
    ['GET', '/admin/settings'],
    ['PATCH', '/admin/settings', { filters: { inbound: true } }],
    ['GET', '/admin/server-logging-settings'],
    ['PUT', '/admin/server-logging-settings', { additionalFieldValues: { apiKey: 'k' } }],
    ['GET', '/admin/user-mappings'],
    ['PUT', '/admin/user-mappings', { mappings: [{ rcExtensionId, crmUserId: 'usr_1001' }] }],
    ['POST', '/admin/user-mappings/auto-match'],
    ['POST', '/admin/user-mappings/reinitialize', {}],
    ['GET', '/admin/subscription'],
    ['POST', '/admin/subscription/recreate'],
    ['GET', '/admin/call-logs'],
    ['GET', `/admin/call-logs/${callLogId}`],
    ['POST', `/admin/call-logs/${callLogId}/retry`],
    ['POST', '/admin/call-logs/retry'],
    ['GET', '/admin/events/quarantined'],
    ['POST', '/admin/events/quarantined/refold'],
  ];
}

/**
 * Issue 5's "done when", first half: who may use the admin API and on what. A token's account is the only one a
 * request can see or change; non-admins and strangers are turned away on every route; bad bodies are refused with
 * the field at fault; secrets never come back.
 */
describe('admin API: authentication, account isolation, validation (simulator e2e)', () => {
  let stack: Stack;
  let simA: SimAccount;
  let simB: SimAccount;
  let a: AdminClient;
  let b: AdminClient;
  let nonAdminA: AdminClient;
  let bFailedId: string;
  let bLoggedId: string;
  let bEve: string;
  let aLoggedId: string;

  beforeAll(async () => {
    stack = await startStack();
    simA = stack.sim.addAccount({ users: [...DEMO_PEOPLE, EVE] });
    simB = stack.sim.addAccount({ users: [...DEMO_PEOPLE, EVE] });
    a = AdminClient.bearer(stack.app.url, await rcAccessToken(stack.sim, simA.id));
    b = AdminClient.bearer(stack.app.url, await rcAccessToken(stack.sim, simB.id));
    const bobA = simA.extensions.find((e) => e.type === 'User' && !e.admin)!;
    nonAdminA = AdminClient.bearer(stack.app.url, await rcAccessToken(stack.sim, simA.id, bobA.id));
    const crm = { crmApiUrl: stack.crm.apiUrl, crmApiKey: stack.crm.issueApiKey() };
    await onboardViaAdminApi(a, { ...crm, jwt: stack.sim.issueJwt(simA.id), settings: { adminCrmUserId: 'usr_1005' } });
    // B's admin CRM user does not exist in the CRM: B's unmapped agent (Eve) gets a failed call to retry.
    await onboardViaAdminApi(b, { ...crm, jwt: stack.sim.issueJwt(simB.id), settings: { adminCrmUserId: 'usr_0000' } });

    const users = (acc: SimAccount) => acc.extensions.filter((e) => e.type === 'User');
    bEve = users(simB)[4]!.id;
    const playB = [
      await stack.sim.play(simB.id, 'inbound-answered', { agentId: bEve, externalNumber: DEMO_NUMBERS.jane }),
      await stack.sim.play(simB.id, 'inbound-answered', { agentId: users(simB)[0]!.id, externalNumber: DEMO_NUMBERS.john }),
    ];
    const playA = await stack.sim.play(simA.id, 'inbound-answered', { agentId: users(simA)[0]!.id, externalNumber: DEMO_NUMBERS.jane });
    const bItems = await b.settledCallLogs(playB.flatMap((p) => p.telephonySessionIds), 2);
    bFailedId = bItems.find((i) => i.rcExtensionId === bEve && i.status === 'failed')!.id;
    bLoggedId = bItems.find((i) => i.status === 'logged')!.id;
    aLoggedId = (await a.settledCallLogs(playA.telephonySessionIds, 1))[0].id;
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('answers 401 on every route without a token, with a token RingCentral does not accept, or with another scheme', async () => {
    const clients = [new AdminClient(stack.app.url, undefined), new AdminClient(stack.app.url, 'Bearer not-a-ringcentral-token'), new AdminClient(stack.app.url, 'Basic YWRtaW46YWRtaW4=')];
    for (const [method, path, body] of routes(aLoggedId, simA.extensions[0]!.id)) {
      for (const client of clients) {
        const res = await client.request(method, path, body);
        expect({ route: `${method} ${path}`, status: res.status, code: res.body?.error?.code }).toEqual({ route: `${method} ${path}`, status: 401, code: 'UNAUTHORIZED' });
        expect(res.body.error.correlationId).toEqual(expect.any(String));
      }
    }
  });

  it("answers 403 on every route to a token of the account's non-admin user", async () => {
    for (const [method, path, body] of routes(aLoggedId, simA.extensions[0]!.id)) {
      const res = await nonAdminA.request(method, path, body);
      expect({ route: `${method} ${path}`, status: res.status, code: res.body?.error?.code }).toEqual({ route: `${method} ${path}`, status: 403, code: 'FORBIDDEN' });
    }
    // Nothing was changed by those requests.
    expect((await a.get('/admin/call-logs')).body.items.map((i: { status: string }) => i.status)).toEqual(['logged']);
  });

  it('documents every admin route in /docs under the admin tag, with bearer auth, response schemas and coded errors', async () => {
    const { body: doc } = await new AdminClient(stack.app.url, undefined).get('/docs-json');
    const documented = routes(':id', '1').map(([method, path]) => [method.toLowerCase(), path.replace(':id', '{id}').replace(/\/[0-9a-f-]{36}/, '/{id}')] as const);
    for (const [method, path] of documented) {
      const operation = doc.paths[path]?.[method];
      expect({ route: `${method} ${path}`, documented: Boolean(operation) }).toEqual({ route: `${method} ${path}`, documented: true });
      expect(operation.tags).toEqual(['admin']);
      expect(operation.security).toEqual([{ bearer: [] }]);
      expect(operation.responses['200'].content['application/json'].schema.$ref).toMatch(/^#\/components\/schemas\//);
      expect(operation.responses['401'].content['application/json'].schema.$ref).toBe('#/components/schemas/ApiErrorDto');
    }
    expect(Object.keys(doc.components.schemas.PatchSettingsDto.properties)).toEqual(
      expect.arrayContaining(['enabled', 'mode', 'connector', 'ownerPolicy', 'adminCrmUserId', 'filters', 'contactPolicy', 'logMode', 'logDetails']),
    );
    expect(Object.keys(doc.components.schemas.LogDetailsDto.properties)).toEqual(expect.arrayContaining(['subject', 'recording', 'sessionId']));
  });

  describe("an admin of A cannot read or change anything of B's, route by route", () => {
    it("PUT /admin/ringcentral/credentials with B's JWT: 403, B's connection untouched", async () => {
      const before = (await b.get('/admin/settings')).body.ringCentral;
      const res = await a.put('/admin/ringcentral/credentials', { jwt: stack.sim.issueJwt(simB.id) });
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({ code: 'FORBIDDEN', field: 'jwt' });
      expect((await b.get('/admin/settings')).body.ringCentral).toEqual(before);
      expect((await a.get('/admin/settings')).body.ringCentral.adminExtensionId).toBe(simA.extensions[0]!.id);
    });

    it("GET/PATCH /admin/settings read and change A's settings only", async () => {
      expect((await a.get('/admin/settings')).body.adminCrmUserId).toBe('usr_1005');
      expect((await b.get('/admin/settings')).body.adminCrmUserId).toBe('usr_0000');
      const patched = await a.patch('/admin/settings', { filters: { inbound: false }, contactPolicy: { noMatch: 'skip' }, mode: 'admin-only' });
      expect(patched.body).toMatchObject({ mode: 'admin-only', filters: { inbound: false, outbound: true }, contactPolicy: { noMatch: 'skip', multiMatch: 'first' } });
      expect((await b.get('/admin/settings')).body).toMatchObject({ mode: 'account', filters: { inbound: true }, contactPolicy: { noMatch: 'logWithoutContact' } });
      expect((await a.patch('/admin/settings', { filters: { inbound: true }, contactPolicy: { noMatch: 'logWithoutContact' }, mode: 'account' })).status).toBe(200);
    });

    it("GET/PUT /admin/server-logging-settings act on A's values only", async () => {
      expect((await a.get('/admin/server-logging-settings')).body.fields[0]).toMatchObject({ name: 'apiKey', set: true });
      // A replaces its key with one the CRM refuses; B's key is untouched (B's next call logs, checked at the end).
      expect((await a.put('/admin/server-logging-settings', { additionalFieldValues: { apiKey: 'not-a-crm-key' } })).status).toBe(200);
      const aUsers = await a.get('/admin/user-mappings');
      expect(aUsers.body.crmUsers).toEqual([]);
      expect(aUsers.body.crmUsersError).toContain('refused');
      expect((await b.get('/admin/user-mappings')).body.crmUsers).toHaveLength(5);
      expect((await a.put('/admin/server-logging-settings', { additionalFieldValues: { apiKey: stack.crm.issueApiKey() } })).status).toBe(200);
    });

    it("GET/PUT /admin/user-mappings: A sees only A's extensions; B's extension ids are not found", async () => {
      const aView = (await a.get('/admin/user-mappings')).body;
      const bView = (await b.get('/admin/user-mappings')).body;
      const bIds = simB.extensions.map((e) => e.id);
      expect(aView.rcExtensions.map((e: { id: string }) => e.id).sort()).toEqual(simA.extensions.filter((e) => e.type === 'User').map((e) => e.id).sort());
      expect(aView.mappings.some((m: { rcExtensionId: string }) => bIds.includes(m.rcExtensionId))).toBe(false);

      const res = await a.put('/admin/user-mappings', { mappings: [{ rcExtensionId: bEve, crmUserId: 'usr_1001' }] });
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'NOT_FOUND', field: 'mappings.0.rcExtensionId' });
      expect((await b.get('/admin/user-mappings')).body.mappings).toEqual(bView.mappings);
    });

    it("POST auto-match and reinitialize change A's mappings only", async () => {
      const bBefore = (await b.get('/admin/user-mappings')).body.mappings;
      const aEve = simA.extensions.filter((e) => e.type === 'User')[4]!.id;
      expect((await a.put('/admin/user-mappings', { mappings: [{ rcExtensionId: aEve, crmUserId: 'usr_1005' }] })).status).toBe(200);
      expect((await a.post('/admin/user-mappings/auto-match')).status).toBe(200);
      const reinit = await a.post('/admin/user-mappings/reinitialize', { includeManual: true });
      expect(reinit.status).toBe(200);
      expect(reinit.body.unmapped.map((e: { id: string }) => e.id)).toEqual([aEve]);
      expect((await b.get('/admin/user-mappings')).body.mappings).toEqual(bBefore);
    });

    it("GET /admin/subscription and POST recreate: A's subscription only", async () => {
      const bBefore = (await b.get('/admin/subscription')).body;
      const aBefore = (await a.get('/admin/subscription')).body;
      expect(aBefore.id).not.toBe(bBefore.id);
      const recreated = await a.post('/admin/subscription/recreate');
      expect(recreated.status).toBe(200);
      expect(recreated.body.id).not.toBe(aBefore.id);
      expect((await b.get('/admin/subscription')).body).toMatchObject({ id: bBefore.id, status: 'Active' });
      expect(stack.sim.subscriptions(simB.id).find((s) => s.id === bBefore.id)).toMatchObject({ status: 'Active', deleted: false });
    });

    it("GET /admin/call-logs lists A's calls only, also when filtered by B's extension", async () => {
      expect((await a.allCallLogs()).map((i) => i.id)).toEqual([aLoggedId]);
      expect((await a.allCallLogs(`rcExtensionId=${bEve}`)).map((i) => i.id)).toEqual([]);
    });

    it("GET /admin/call-logs/:id of B's call: 404", async () => {
      for (const id of [bFailedId, bLoggedId]) {
        const res = await a.get(`/admin/call-logs/${id}`);
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('NOT_FOUND');
        expect(JSON.stringify(res.body)).not.toContain(id);
      }
      expect((await b.get(`/admin/call-logs/${bFailedId}`)).status).toBe(200);
    });

    it("POST /admin/call-logs/:id/retry and the bulk retry leave B's failed call alone", async () => {
      expect((await a.post(`/admin/call-logs/${bFailedId}/retry`)).status).toBe(404);
      expect((await a.post('/admin/call-logs/retry')).body).toEqual({ retried: 0, ids: [], more: false });
      expect((await a.post(`/admin/call-logs/retry?rcExtensionId=${bEve}`)).body).toEqual({ retried: 0, ids: [], more: false });
      expect((await b.get(`/admin/call-logs/${bFailedId}`)).body).toMatchObject({ status: 'failed', attempts: 1 });
    });

    it('B, after all that, fixes its own setting and retries its own call, logged with its own (untouched) CRM key', async () => {
      expect((await b.patch('/admin/settings', { adminCrmUserId: 'usr_1005' })).status).toBe(200);
      const retried = await b.post(`/admin/call-logs/${bFailedId}/retry`);
      expect(retried.status).toBe(200);
      expect(await b.settledCallLog(bFailedId)).toMatchObject({ status: 'logged', crmUserId: 'usr_1005', attempts: 2 });
    });
  });

  describe('bad requests are refused with the field at fault', () => {
    it.each([
      ['PATCH', '/admin/settings', { filters: { inbound: 'yes' } }, 'filters.inbound'],
      ['PATCH', '/admin/settings', { contactPolicy: { noMatch: 'maybe' } }, 'contactPolicy.noMatch'],
      ['PATCH', '/admin/settings', { contactPolicy: { multiMatch: 'last' } }, 'contactPolicy.multiMatch'],
      ['PATCH', '/admin/settings', { connector: { id: 'no-such-crm', config: {} } }, 'connector.id'],
      ['PATCH', '/admin/settings', { connector: { config: {} } }, 'connector.id'],
      ['PATCH', '/admin/settings', { connector: { id: 'sample-crm', config: { baseUrl: 'ftp://crm.example.com' } } }, 'connector.config.baseUrl'],
      ['PATCH', '/admin/settings', { connector: { id: 'sample-crm', config: 'http://crm' } }, 'connector.config'],
      ['PATCH', '/admin/settings', { filters: { blockedNumbers: ['650-555-0100'] } }, 'filters.blockedNumbers'],
      ['PATCH', '/admin/settings', { filters: { outbound: true, sometimes: true } }, 'filters.sometimes'],
      ['PATCH', '/admin/settings', { logDetails: { subject: 'no' } }, 'logDetails.subject'],
      ['PATCH', '/admin/settings', { logDetails: { weather: true } }, 'logDetails.weather'],
      ['PATCH', '/admin/settings', { mode: 'everyone' }, 'mode'],
      ['PATCH', '/admin/settings', { ownerPolicy: 'random' }, 'ownerPolicy'],
      ['PATCH', '/admin/settings', { enabled: 'true' }, 'enabled'],
      ['PATCH', '/admin/settings', { colour: 'blue' }, 'colour'],
      ['PUT', '/admin/ringcentral/credentials', {}, 'jwt'],
      ['PUT', '/admin/ringcentral/credentials', { jwt: 'not-a-jwt-ringcentral-knows' }, 'jwt'],
      ['PUT', '/admin/server-logging-settings', {}, 'additionalFieldValues'],
      ['PUT', '/admin/server-logging-settings', { additionalFieldValues: {} }, 'additionalFieldValues.apiKey'],
      ['PUT', '/admin/server-logging-settings', { additionalFieldValues: { apiKey: 42 } }, 'additionalFieldValues.apiKey'],
      ['PUT', '/admin/server-logging-settings', { additionalFieldValues: { apiKey: 'k', password: 'p' } }, 'additionalFieldValues.password'],
      ['PUT', '/admin/user-mappings', { mappings: 'all' }, 'mappings'],
      ['PUT', '/admin/user-mappings', { mappings: [{ rcExtensionId: '', crmUserId: 'usr_1001' }] }, 'mappings.0.rcExtensionId'],
      ['PUT', '/admin/user-mappings', { mappings: [{ rcExtensionId: '1' }] }, 'mappings.0.crmUserId'],
      ['POST', '/admin/user-mappings/reinitialize', { includeManual: 'yes' }, 'includeManual'],
      ['GET', '/admin/call-logs?status=lost', undefined, 'status'],
      ['GET', '/admin/call-logs?direction=Sideways', undefined, 'direction'],
      ['GET', '/admin/call-logs?limit=0', undefined, 'limit'],
      ['GET', '/admin/call-logs?limit=many', undefined, 'limit'],
      ['GET', '/admin/call-logs?from=yesterday', undefined, 'from'],
      ['GET', '/admin/call-logs?cursor=bm90LWEtY3Vyc29y', undefined, 'cursor'],
      ['GET', '/admin/call-logs/not-a-uuid', undefined, 'id'],
      ['POST', '/admin/call-logs/retry?status=logged', undefined, 'status'],
    ])('%s %s %j → 400 naming %s', async (method, path, body, field) => {
      const res = await a.request(method, path, body);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field });
      expect(res.body.error.message).toEqual(expect.any(String));
    });

    it('a CRM user the CRM does not have is refused naming the mapping, an unknown call id is 404, and nothing changed', async () => {
      const aAlice = simA.extensions[0]!.id;
      const before = (await a.get('/admin/user-mappings')).body.mappings;
      const res = await a.put('/admin/user-mappings', { mappings: [{ rcExtensionId: aAlice, crmUserId: 'usr_1001' }, { rcExtensionId: aAlice, crmUserId: 'usr_9999' }] });
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe('mappings.1.rcExtensionId');
      const unknownUser = await a.put('/admin/user-mappings', { mappings: [{ rcExtensionId: aAlice, crmUserId: 'usr_9999' }] });
      expect(unknownUser.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'mappings.0.crmUserId' });
      expect((await a.get('/admin/user-mappings')).body.mappings).toEqual(before);
      expect((await a.get(`/admin/call-logs/${randomUUID()}`)).status).toBe(404);
      expect((await a.get('/admin/settings')).body).toMatchObject({ mode: 'account', filters: { inbound: true, outbound: true }, contactPolicy: { noMatch: 'logWithoutContact' } });
    });
  });

  describe('manual mappings and secrets', () => {
    it('several extensions may map to one CRM user, by hand', async () => {
      const [alice, bob] = simA.extensions.filter((e) => e.type === 'User');
      const res = await a.put('/admin/user-mappings', { mappings: [{ rcExtensionId: alice!.id, crmUserId: 'usr_1002' }, { rcExtensionId: bob!.id, crmUserId: 'usr_1002' }] });
      expect(res.status).toBe(200);
      const toBob = res.body.mappings.filter((m: { crmUserId: string }) => m.crmUserId === 'usr_1002');
      expect(toBob).toHaveLength(2);
      expect(toBob).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ rcExtensionId: alice!.id, source: 'manual', crmUserName: 'Bob Brown' }),
          expect.objectContaining({ rcExtensionId: bob!.id, source: 'manual' }),
        ]),
      );
      // Kept by auto-match and by a re-initialisation without includeManual.
      await a.post('/admin/user-mappings/reinitialize', {});
      const after = (await a.get('/admin/user-mappings')).body.mappings;
      expect(after.find((m: { rcExtensionId: string }) => m.rcExtensionId === alice!.id)).toMatchObject({ crmUserId: 'usr_1002', source: 'manual' });
    });

    it('GET /admin/server-logging-settings never returns the API key', async () => {
      const key = stack.crm.issueApiKey();
      await a.put('/admin/server-logging-settings', { additionalFieldValues: { apiKey: key } });
      const res = await a.get('/admin/server-logging-settings');
      expect(res.body.fields).toEqual([expect.objectContaining({ name: 'apiKey', set: true, secret: true })]);
      expect(res.body.fields[0].value).toBeUndefined();
      expect(JSON.stringify(res.body)).not.toContain(key);
    });

    it("GET /admin/settings masks the connector's secrets, and a masked value sent back keeps the stored one", async () => {
      const simC = stack.sim.addAccount({ users: 2 });
      const c = AdminClient.bearer(stack.app.url, await rcAccessToken(stack.sim, simC.id));
      const jwtToken = 'app-connect-jwt-that-must-stay-secret';
      const config = { serverUrl: 'http://127.0.0.1:9/connector', jwtToken, rcAccessToken: 'rc-token-secret-too' };
      const set = await c.patch('/admin/settings', { connector: { id: 'app-connect', config } });
      expect(set.status).toBe(200);
      expect(set.body.connector.config).toEqual({ serverUrl: 'http://127.0.0.1:9/connector', jwtToken: '********', rcAccessToken: '********' });
      const shown = await c.get('/admin/settings');
      expect(JSON.stringify(shown.body)).not.toMatch(/must-stay-secret|secret-too/);

      const resent = await c.patch('/admin/settings', { connector: { id: 'app-connect', config: { ...shown.body.connector.config, serverUrl: 'http://127.0.0.1:9/v2' } } });
      expect(resent.status).toBe(200);
      const stored = await stack.app.app.get(AccountsRepository).findByRcAccountId(simC.id);
      expect(stored!.connectorConfig).toEqual({ serverUrl: 'http://127.0.0.1:9/v2', jwtToken, rcAccessToken: 'rc-token-secret-too' });
    });
  });
});
