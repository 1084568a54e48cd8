import { DEMO_NUMBERS } from '../../sim/crm';
import type { SimAccount, PlayResult } from '../../sim/ringcentral/sim-types';
import { AdminClient, rcAccessToken } from '../support/admin-api';
import { DEMO_PEOPLE, startStack, type Stack } from '../support/stack';

/**
 * Issue 5's "done when", second half: an admin who has never seen the service goes from nothing to calls in the
 * sample CRM using only the admin API (credentials, connector, server-logging settings, auto-match, enable), then
 * watches each call's status, reason and timeline, makes one fail, fixes the cause and retries it.
 */
describe('admin API: a newcomer from nothing to logged calls (simulator + sample CRM e2e)', () => {
  let stack: Stack;
  let simAccount: SimAccount;
  let admin: AdminClient;
  let ext: Record<'alice' | 'bob' | 'carol' | 'dave' | 'eve', string>;
  const externalId = (item: { telephonySessionId: string; rcExtensionId: string }) => `${item.telephonySessionId}:${item.rcExtensionId}`;
  const activitiesOf = (item: { telephonySessionId: string; rcExtensionId: string }) => stack.crm.activities().filter((a) => a.externalId === externalId(item));
  const sessionsOf = (plays: PlayResult[]) => plays.flatMap((p) => p.telephonySessionIds);

  beforeAll(async () => {
    stack = await startStack();
    // Eve has no CRM user: her calls go to the admin's CRM user (adminCrmUserId).
    simAccount = stack.sim.addAccount({ users: [...DEMO_PEOPLE, { firstName: 'Eve', lastName: 'Evans', email: 'eve.evans@example.net' }] });
    const users = simAccount.extensions.filter((e) => e.type === 'User');
    ext = { alice: users[0]!.id, bob: users[1]!.id, carol: users[2]!.id, dave: users[3]!.id, eve: users[4]!.id };
    admin = AdminClient.bearer(stack.app.url, await rcAccessToken(stack.sim, simAccount.id));
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('sets up logging step by step, each step saying what is still missing', async () => {
    const initial = await admin.get('/admin/settings');
    expect(initial.status).toBe(200);
    expect(initial.body).toMatchObject({
      enabled: false,
      mode: 'account',
      paused: false,
      connector: null,
      ringCentral: { connected: false },
      ownerPolicy: 'agent',
      filters: { inbound: true, outbound: true, missed: true, voicemail: true, internal: false, blockedNumbers: [], blockedExtensions: [] },
      contactPolicy: { noMatch: 'logWithoutContact', multiMatch: 'first' },
    });
    expect(initial.body.availableConnectors).toEqual(expect.arrayContaining(['sample-crm', 'proxy', 'app-connect']));

    const tooEarly = await admin.patch('/admin/settings', { enabled: true });
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.body.error).toMatchObject({ code: 'CONFLICT', field: 'enabled', message: expect.stringContaining('Connect RingCentral') });

    const connected = await admin.put('/admin/ringcentral/credentials', { jwt: stack.sim.issueJwt(simAccount.id) });
    expect(connected.status).toBe(200);
    expect(connected.body).toEqual({ connected: true, accountId: simAccount.id, extensionId: ext.alice });

    const noConnector = await admin.patch('/admin/settings', { enabled: true });
    expect(noConnector.status).toBe(409);
    expect(noConnector.body.error.message).toContain('connector');

    const connector = await admin.patch('/admin/settings', { connector: { id: 'sample-crm', config: { baseUrl: stack.crm.apiUrl } }, adminCrmUserId: 'usr_1005' });
    expect(connector.status).toBe(200);
    expect(connector.body).toMatchObject({ connector: { id: 'sample-crm', displayName: 'Sample CRM', config: { baseUrl: stack.crm.apiUrl } }, adminCrmUserId: 'usr_1005', ringCentral: { connected: true } });

    const fields = await admin.get('/admin/server-logging-settings');
    expect(fields.body).toEqual({ connectorId: 'sample-crm', fields: [expect.objectContaining({ name: 'apiKey', title: 'API key', required: true, secret: true, set: false })] });

    const apiKey = stack.crm.issueApiKey();
    const saved = await admin.put('/admin/server-logging-settings', { additionalFieldValues: { apiKey } });
    expect(saved.status).toBe(200);
    expect(saved.body.fields).toEqual([expect.objectContaining({ name: 'apiKey', set: true })]);
    expect(JSON.stringify(saved.body)).not.toContain(apiKey);
    expect(JSON.stringify((await admin.get('/admin/server-logging-settings')).body)).not.toContain(apiKey);

    const matched = await admin.post('/admin/user-mappings/auto-match');
    expect(matched.status).toBe(200);
    expect(matched.body.matched).toEqual(
      expect.arrayContaining([
        { rcExtensionId: ext.alice, crmUserId: 'usr_1001', rule: 'email' },
        { rcExtensionId: ext.bob, crmUserId: 'usr_1002', rule: 'email' },
        { rcExtensionId: ext.carol, crmUserId: 'usr_1003', rule: 'email' },
        // Dave's CRM user has no email: matched by name, never by two missing emails.
        { rcExtensionId: ext.dave, crmUserId: 'usr_1004', rule: 'name' },
      ]),
    );
    expect(matched.body.matched).toHaveLength(4);
    expect(matched.body.unmapped.map((e: { id: string }) => e.id)).toEqual([ext.eve]);
    expect(matched.body.crmUsers.map((u: { id: string }) => u.id)).toEqual(['usr_1001', 'usr_1002', 'usr_1003', 'usr_1004', 'usr_1005']);

    const enabled = await admin.patch('/admin/settings', { enabled: true });
    expect(enabled.status).toBe(200);
    expect(enabled.body.enabled).toBe(true);
    const subscription = await admin.get('/admin/subscription');
    expect(subscription.status).toBe(200);
    expect(subscription.body).toMatchObject({ status: 'Active', deliveryMode: 'WebHook', id: stack.sim.subscriptions(simAccount.id)[0]!.id });
    expect(Date.parse(subscription.body.expiresAt)).toBeGreaterThan(Date.now());
  });

  it('logs the calls played and shows each one with its status, reason and timeline', async () => {
    const plays = [
      await stack.sim.play(simAccount.id, 'inbound-answered', { agentId: ext.alice, externalNumber: DEMO_NUMBERS.jane }),
      await stack.sim.play(simAccount.id, 'outbound-answered', { agentId: ext.bob, externalNumber: DEMO_NUMBERS.john }),
      await stack.sim.play(simAccount.id, 'missed', { agentId: ext.carol, externalNumber: DEMO_NUMBERS.unknown }),
      await stack.sim.play(simAccount.id, 'internal', { agentId: ext.alice, otherAgentId: ext.dave }),
      await stack.sim.play(simAccount.id, 'inbound-answered', { agentId: ext.eve, externalNumber: DEMO_NUMBERS.acmeMain }),
    ];
    const items = await admin.settledCallLogs(sessionsOf(plays), 6);
    const of = (play: PlayResult, extensionId: string) => items.find((i) => i.telephonySessionId === play.telephonySessionIds[0] && i.rcExtensionId === extensionId)!;

    expect(of(plays[0]!, ext.alice)).toMatchObject({ status: 'logged', direction: 'Inbound', contactId: 'con_2001', crmUserId: 'usr_1001', ownerSource: 'agent-mapping', attempts: 1 });
    expect(of(plays[1]!, ext.bob)).toMatchObject({ status: 'logged', direction: 'Outbound', contactId: 'con_2002', crmUserId: 'usr_1002' });
    expect(of(plays[2]!, ext.carol)).toMatchObject({ status: 'logged', kind: 'missed', contactId: null, crmUserId: 'usr_1003' });
    expect(of(plays[3]!, ext.alice)).toMatchObject({ status: 'skipped', reason: 'internal-calls-off', crmLogId: null });
    expect(of(plays[3]!, ext.dave)).toMatchObject({ status: 'skipped', reason: 'internal-calls-off' });
    expect(of(plays[4]!, ext.eve)).toMatchObject({ status: 'logged', contactId: 'con_2003', crmUserId: 'usr_1005', ownerSource: 'admin-fallback' });
    for (const item of items.filter((i) => i.status === 'logged')) {
      expect(activitiesOf(item).map((a) => a.id)).toEqual([item.crmLogId]);
      expect(item.loggedAt).toEqual(expect.any(String));
    }
    for (const item of items.filter((i) => i.status === 'skipped')) expect(activitiesOf(item)).toEqual([]);

    const alice = await admin.get(`/admin/call-logs/${of(plays[0]!, ext.alice).id}`);
    expect(alice.status).toBe(200);
    const { timeline, parties } = alice.body;
    const times = timeline.map((t: { at: string }) => Date.parse(t.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const legStatuses = timeline.filter((t: any) => t.kind === 'party-status' && t.detail.thisLeg).map((t: any) => t.detail.code);
    expect(legStatuses).toEqual(expect.arrayContaining(['Setup', 'Answered', 'Disconnected']));
    expect(legStatuses[legStatuses.length - 1]).toBe('Disconnected');
    expect(timeline.map((t: any) => t.kind)).toEqual(expect.arrayContaining(['leg-recorded', 'attempt', 'filters', 'contact', 'owner', 'crm', 'logged']));
    expect(timeline.find((t: any) => t.kind === 'crm').detail).toMatchObject({ operation: 'createCallLog', outcome: 'created', crmLogId: alice.body.crmLogId });
    expect(timeline.find((t: any) => t.kind === 'contact').source).toBe('service');
    // The PSTN caller's party is there too, with its own history.
    expect(parties).toHaveLength(2);
    expect(parties.find((p: any) => p.thisLeg)).toMatchObject({ extensionId: ext.alice, status: 'Disconnected' });
    expect(parties.find((p: any) => !p.thisLeg).extensionId).toBeUndefined();

    const skipped = await admin.get(`/admin/call-logs/${of(plays[3]!, ext.dave).id}`);
    expect(skipped.body.timeline.find((t: any) => t.kind === 'skipped').detail).toMatchObject({ reason: 'internal-calls-off' });
  });

  it('filters the list and pages through it without gaps or repeats', async () => {
    const all = await admin.allCallLogs('', 100);
    expect(all.length).toBeGreaterThanOrEqual(6);
    const paged = await admin.allCallLogs('', 2);
    expect(paged.map((i) => i.id)).toEqual(all.map((i) => i.id));
    expect(new Set(paged.map((i) => i.id)).size).toBe(paged.length);
    const ended = all.map((i) => Date.parse(i.callEndedAt));
    expect(ended).toEqual([...ended].sort((a, b) => b - a));

    const first = await admin.get('/admin/call-logs?limit=2');
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));

    expect((await admin.allCallLogs('status=skipped')).map((i) => i.reason)).toEqual(['internal-calls-off', 'internal-calls-off']);
    expect((await admin.allCallLogs('direction=Outbound')).every((i) => i.direction === 'Outbound')).toBe(true);
    const bobs = await admin.allCallLogs(`rcExtensionId=${ext.bob}`);
    expect(bobs.map((i) => i.rcExtensionId)).toEqual([ext.bob]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await admin.allCallLogs(`from=${encodeURIComponent(future)}`)).toEqual([]);
    expect((await admin.allCallLogs(`to=${encodeURIComponent(future)}`)).length).toBe(all.length);
  });

  it('shows why a call failed, and logs it exactly once when retried after the fix', async () => {
    // The admin's CRM user was removed from the CRM: the CRM refuses calls owned by it (400, field ownerId).
    expect((await admin.patch('/admin/settings', { adminCrmUserId: 'usr_0000' })).status).toBe(200);
    const plays = [
      await stack.sim.play(simAccount.id, 'inbound-answered', { agentId: ext.eve, externalNumber: DEMO_NUMBERS.jane }),
      await stack.sim.play(simAccount.id, 'outbound-answered', { agentId: ext.eve, externalNumber: DEMO_NUMBERS.john }),
    ];
    const failed = await admin.settledCallLogs(sessionsOf(plays), 2);
    for (const item of failed) {
      expect(item).toMatchObject({ status: 'failed', reason: 'VALIDATION', crmLogId: null, attempts: 1 });
      expect(item.lastError).toContain('ownerId');
      expect(activitiesOf(item)).toEqual([]);
    }
    const [one, other] = failed;
    const explained = await admin.get(`/admin/call-logs/${one.id}`);
    expect(explained.body.timeline.find((t: any) => t.kind === 'crm-error').detail).toMatchObject({ code: 'VALIDATION', action: 'fail' });
    expect(explained.body.timeline.find((t: any) => t.kind === 'owner').detail).toMatchObject({ crmUserId: 'usr_0000', source: 'admin-fallback' });

    expect((await admin.patch('/admin/settings', { adminCrmUserId: 'usr_1005' })).status).toBe(200);
    const retried = await admin.post(`/admin/call-logs/${one.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id: one.id, attempts: 1 });
    expect(['pending', 'logging', 'logged']).toContain(retried.body.status);
    const logged = await admin.settledCallLog(one.id);
    expect(logged).toMatchObject({ status: 'logged', reason: null, crmUserId: 'usr_1005', attempts: 2 });
    expect(activitiesOf(logged).map((a) => ({ id: a.id, ownerId: a.ownerId }))).toEqual([{ id: logged.crmLogId, ownerId: 'usr_1005' }]);
    expect(logged.timeline.find((t: any) => t.kind === 'retry-requested').detail).toMatchObject({ by: 'admin', previousStatus: 'failed', previousReason: 'VALIDATION' });

    const again = await admin.post(`/admin/call-logs/${one.id}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('logged') });

    // The other failed call, through the bulk retry with the list's filters.
    const bulk = await admin.post(`/admin/call-logs/retry?status=failed&rcExtensionId=${ext.eve}`);
    expect(bulk.status).toBe(200);
    expect(bulk.body).toEqual({ retried: 1, ids: [other.id], more: false });
    const otherLogged = await admin.settledCallLog(other.id);
    expect(otherLogged).toMatchObject({ status: 'logged', crmUserId: 'usr_1005' });
    expect(activitiesOf(otherLogged)).toHaveLength(1);
    expect((await admin.post('/admin/call-logs/retry')).body).toEqual({ retried: 0, ids: [], more: false });
  });

  it('turns logging off and on again', async () => {
    const before = (await admin.get('/admin/subscription')).body.id;
    const recreated = await admin.post('/admin/subscription/recreate');
    expect(recreated.status).toBe(200);
    expect(recreated.body.status).toBe('Active');
    expect(recreated.body.id).not.toBe(before);

    const off = await admin.patch('/admin/settings', { enabled: false });
    expect(off.body.enabled).toBe(false);
    expect((await admin.get('/admin/subscription')).status).toBe(404);
    expect(stack.sim.subscriptions(simAccount.id).filter((s) => !s.deleted && s.status === 'Active')).toEqual([]);
    expect((await admin.post('/admin/subscription/recreate')).status).toBe(409);
    expect((await admin.patch('/admin/settings', { enabled: true })).body.enabled).toBe(true);
    expect((await admin.get('/admin/subscription')).body.status).toBe('Active');
  });
});
