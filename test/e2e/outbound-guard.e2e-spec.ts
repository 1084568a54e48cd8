import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startPluginServer, type PluginServer } from '../../sim/plugin';
import { AdminClient, onboardViaAdminApi, rcAccessToken } from '../support/admin-api';
import { DEMO_PEOPLE, startStack, type Stack } from '../support/stack';

const PROXY_CONFIG = JSON.parse(readFileSync(join(process.cwd(), 'src/connectors/proxy/sample-crm.proxy-config.json'), 'utf8'));

/** An internal service an attacker would like to reach: it counts every connection and request. */
async function startListener(): Promise<{ port: number; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"secret":"internal"}');
  });
  server.on('connection', () => (hits += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, hits: () => hits, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const fakeJwt = (): string =>
  [{ alg: 'HS256' }, { sub: 'u1', exp: Math.floor(Date.now() / 1000) + 3600 }].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.') + '.sig';

/**
 * Issue 16, "requests into the network": with the operator's default (no OUTBOUND_ALLOW_*), an admin cannot point the
 * CRM connector, the App Connect bridge or a plugin at loopback or a private address in any spelling: a 400 names the
 * field when it is saved and no request reaches the listener. With the operator's allow-list the same set-up works.
 */
describe('outbound requests are guarded', () => {
  describe('by default (private addresses refused)', () => {
    let stack: Stack;
    let listener: Awaited<ReturnType<typeof startListener>>;
    let admin: AdminClient;

    beforeAll(async () => {
      stack = await startStack({ env: { OUTBOUND_ALLOW_PRIVATE: 'false' } });
      listener = await startListener();
      const simAccount = stack.sim.addAccount({ users: DEMO_PEOPLE });
      admin = AdminClient.bearer(stack.app.url, await rcAccessToken(stack.sim, simAccount.id));
      expect((await admin.put('/admin/ringcentral/credentials', { jwt: stack.sim.issueJwt(simAccount.id) })).status).toBe(200);
    });

    afterAll(async () => {
      await listener.close();
      await stack.close();
    });

    const spellings = (port: number) => [
      `http://127.0.0.1:${port}/api`,
      `http://127.1:${port}/api`,
      `http://0x7f000001:${port}/api`,
      `http://2130706433:${port}/api`,
      `http://0177.0.0.1:${port}/api`,
      `http://localhost:${port}/api`,
      `http://[::1]:${port}/api`,
      `http://[::ffff:127.0.0.1]:${port}/api`,
      `http://0.0.0.0:${port}/api`,
      `http://10.0.0.1:${port}/api`,
      `http://169.254.169.254/latest/meta-data`,
    ];

    it('refuses a CRM connector (sample CRM, proxy, App Connect bridge) at a loopback or private address, naming the field', async () => {
      for (const url of spellings(listener.port)) {
        const sample = await admin.patch('/admin/settings', { connector: { id: 'sample-crm', config: { baseUrl: url } } });
        expect([url, sample.status, sample.body.error?.field]).toEqual([url, 400, 'connector.config.baseUrl']);
        const bridge = await admin.patch('/admin/settings', { connector: { id: 'app-connect', config: { serverUrl: url, jwtToken: fakeJwt() } } });
        expect([url, bridge.status, bridge.body.error?.field]).toEqual([url, 400, 'connector.config.serverUrl']);
        const proxy = await admin.patch('/admin/settings', { connector: { id: 'proxy', config: { ...PROXY_CONFIG, requestDefaults: { ...PROXY_CONFIG.requestDefaults, baseUrl: url } } } });
        expect([url, proxy.status, proxy.body.error?.field]).toEqual([url, 400, 'connector.config.requestDefaults.baseUrl']);
      }
      // A templated base URL is saved; its value, given with the server-logging settings, is checked then.
      expect((await admin.patch('/admin/settings', { connector: { id: 'proxy', config: PROXY_CONFIG } })).status).toBe(200);
      const values = await admin.put('/admin/server-logging-settings', { additionalFieldValues: { baseUrl: `http://127.1:${listener.port}/api`, apiKey: 'k' } });
      expect([values.status, values.body.error?.field]).toEqual([400, 'additionalFieldValues.baseUrl']);
      expect(listener.hits()).toBe(0);
    });

    it('refuses a plugin whose manifest names a loopback URL, and never sends the admin token there', async () => {
      const base = `http://127.1:${listener.port}`;
      const manifest = { name: 'spy', endpointUrl: `${base}/sync`, userRegisterEndpointUrl: `${base}/register`, supportedLogTypes: ['call'], isAsync: false };
      const res = await admin.post('/admin/plugins', { manifest });
      expect([res.status, res.body.error?.field]).toEqual([400, 'manifest.endpointUrl']);
      const mixed = await admin.post('/admin/plugins', { manifest: { ...manifest, endpointUrl: 'https://plugin.example.invalid/sync' } });
      expect([mixed.status, mixed.body.error?.field]).toEqual([400, 'manifest.userRegisterEndpointUrl']);
      expect(listener.hits()).toBe(0);
    });

    it('refuses to fetch a manifest from a loopback or private URL (install from a URL), and a closed port answers like any unreachable host', async () => {
      for (const url of spellings(listener.port)) {
        const res = await admin.post('/admin/plugins', { manifestUrl: url });
        expect([url, res.status, res.body.error?.field]).toEqual([url, 400, 'manifestUrl']);
      }
      expect(listener.hits()).toBe(0);
      const unreachable = await admin.post('/admin/plugins', { manifestUrl: 'http://manifest.example.invalid/manifest.json' });
      expect([unreachable.status, unreachable.body.error?.field, unreachable.body.error?.message]).toEqual([400, 'manifestUrl', 'The manifest URL could not be reached']);
    });
  });

  describe('allowed by the operator (OUTBOUND_ALLOW_HOSTS)', () => {
    let stack: Stack;
    let plugin: PluginServer;

    beforeAll(async () => {
      stack = await startStack({ env: { OUTBOUND_ALLOW_PRIVATE: 'false', OUTBOUND_ALLOW_HOSTS: '127.0.0.0/8' } });
      plugin = await startPluginServer({ mode: 'sync', pluginId: 'allowed', name: 'allowed', transform: { appendToNote: '[allowed]' } });
    });

    afterAll(async () => {
      await plugin.close();
      await stack.close();
    });

    it('connects the loopback CRM and installs the loopback plugin', async () => {
      const simAccount = stack.sim.addAccount({ users: DEMO_PEOPLE });
      const admin = AdminClient.bearer(stack.app.url, await rcAccessToken(stack.sim, simAccount.id));
      await onboardViaAdminApi(admin, { jwt: stack.sim.issueJwt(simAccount.id), crmApiUrl: stack.crm.apiUrl, crmApiKey: stack.crm.issueApiKey(), settings: { adminCrmUserId: 'usr_1001' } });
      expect((await admin.post('/admin/plugins', { manifest: plugin.manifest() })).status).toBe(201);
    });
  });
});
