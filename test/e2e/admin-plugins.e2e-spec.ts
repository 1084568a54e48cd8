import { ringCentralTokenVerifier, startPluginServer, type PluginServer } from '../../sim/plugin';
import { AdminClient, onboardViaAdminApi, rcAccessToken } from '../support/admin-api';
import { DEMO_PEOPLE, startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait-for';

/**
 * The /admin/plugins routes over HTTP: an admin installs two plugins from their manifests (the plugin server checks
 * the admin's own RingCentral token), orders them, reads license status, and the next call's CRM body shows both
 * plugins' changes in that order; another account's admin sees none of it.
 */
describe('/admin/plugins', () => {
  let stack: Stack;
  let first: PluginServer;
  let second: PluginServer;
  let admin: AdminClient;
  let simAccountId: string;

  beforeAll(async () => {
    stack = await startStack();
    const verify = ringCentralTokenVerifier(stack.sim.url);
    first = await startPluginServer({ mode: 'sync', pluginId: 'first', name: 'first', transform: { appendToNote: '[first]' }, verifyRcToken: verify });
    second = await startPluginServer({ mode: 'sync', pluginId: 'second', name: 'second', transform: { appendToNote: '[second]' }, verifyRcToken: verify });
    const simAccount = stack.sim.addAccount({ users: DEMO_PEOPLE });
    simAccountId = simAccount.id;
    admin = AdminClient.bearer(stack.app.url, await rcAccessToken(stack.sim, simAccount.id));
    await onboardViaAdminApi(admin, { jwt: stack.sim.issueJwt(simAccount.id), crmApiUrl: stack.crm.apiUrl, crmApiKey: stack.crm.issueApiKey(), settings: { adminCrmUserId: 'usr_1001' } });
  });

  afterAll(async () => {
    await Promise.all([first.close(), second.close()]);
    await stack.close();
  });

  it('installs, orders, reads license status and uninstalls; the chain runs in the admin\'s order', async () => {
    expect((await admin.post('/admin/plugins', { manifest: second.manifest() })).status).toBe(201);
    const installed = await admin.post('/admin/plugins', { manifest: first.manifest(), position: 1 });
    expect(installed.status).toBe(201);
    // No JWT value anywhere in the answer (field names such as tokenSyncUrl are fine).
    expect(JSON.stringify(installed.body)).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
    expect((await admin.get('/admin/plugins')).body.map((p: { pluginId: string }) => p.pluginId)).toEqual(['first', 'second']);
    expect((await admin.get('/admin/plugins/first/license')).body).toMatchObject({ pluginId: 'first', licenseStatus: true });

    const play = await stack.sim.play(simAccountId, 'inbound-answered', { externalNumber: '+16505550101' });
    const activity = await waitFor(async () => stack.crm.activities().find((a) => a.externalId === `${play.legs[0]!.telephonySessionId}:${play.legs[0]!.extensionId}`));
    expect(activity.body.indexOf('[first]')).toBeGreaterThanOrEqual(0);
    expect(activity.body.indexOf('[second]')).toBeGreaterThan(activity.body.indexOf('[first]'));

    expect((await admin.patch('/admin/plugins/second', { enabled: false })).body).toMatchObject({ enabled: false });
    expect((await admin.patch('/admin/plugins/second', { colour: 'blue' })).status).toBe(400);
    expect((await admin.request('DELETE', '/admin/plugins/second')).status).toBe(204);
    expect((await admin.get('/admin/plugins/second/license')).status).toBe(404);
    expect(first.validationFailures().filter((f) => !(f as { injected?: boolean }).injected)).toEqual([]);
  });

  it("another account's admin can neither see nor change them", async () => {
    const other = stack.sim.addAccount({ users: 1 });
    const otherAdmin = AdminClient.bearer(stack.app.url, await rcAccessToken(stack.sim, other.id));
    expect((await otherAdmin.get('/admin/plugins')).body).toEqual([]);
    expect((await otherAdmin.patch('/admin/plugins/first', { enabled: false })).status).toBe(404);
    expect((await otherAdmin.request('DELETE', '/admin/plugins/first')).status).toBe(404);
    expect((await admin.get('/admin/plugins')).body).toEqual([expect.objectContaining({ pluginId: 'first', enabled: true })]);
  });

  it('refuses a manifest without endpointUrl, naming the field', async () => {
    const { endpointUrl: _dropped, ...manifest } = first.manifest();
    const res = await admin.post('/admin/plugins', { manifest, pluginId: 'broken' });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('manifest.endpointUrl');
  });
});
