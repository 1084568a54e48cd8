import { startPluginServer, type PluginServer } from './index';

describe('plugin simulator: manifest entry', () => {
  let syncPlugin: PluginServer;
  let asyncPlugin: PluginServer;

  beforeAll(async () => {
    syncPlugin = await startPluginServer({ mode: 'sync', pluginId: 'plg-1', name: 'test.marker' });
    asyncPlugin = await startPluginServer({ mode: 'async', publicUrl: 'http://plugin:6066/', async: { note: 'Uploaded' } });
  });
  afterAll(() => Promise.all([syncPlugin.close(), asyncPlugin.close()]));

  it('points a sync plugin at this server, with its config field', () => {
    const u = syncPlugin.url;
    expect(syncPlugin.manifest()).toEqual({
      name: 'test.marker',
      displayName: 'Simulated sync plugin (test.marker)',
      description: expect.any(String),
      version: '0.1.0',
      endpointUrl: `${u}/plugin/sync`,
      userRegisterEndpointUrl: `${u}/admin/register`,
      tokenSyncUrl: `${u}/token/sync`,
      licenseStatusUrl: `${u}/license`,
      requireLicense: true,
      supportedLogTypes: ['call'],
      isAsync: false,
      showAuthorizationButton: false,
      authorizationUrl: '',
      authStateUrl: '',
      logoutUrl: '',
      pageContent: [{ const: 'suffix', title: 'Note marker', type: 'inputField', description: expect.any(String), defaultValue: '[plugin:test.marker]' }],
    });
    expect(syncPlugin.pluginId).toBe('plg-1');
  });

  it('marks an async plugin, uses the public URL, and takes overrides', () => {
    expect(asyncPlugin.manifest({ supportedLogTypes: ['call', 'sms'], requireLicense: false })).toMatchObject({
      name: 'sim-async-plugin',
      endpointUrl: 'http://plugin:6066/plugin/async',
      tokenSyncUrl: 'http://plugin:6066/token/sync',
      isAsync: true,
      supportedLogTypes: ['call', 'sms'],
      requireLicense: false,
      pageContent: [expect.objectContaining({ const: 'suffix', defaultValue: 'Uploaded' })],
    });
    // Overrides do not leak into the next call.
    expect(asyncPlugin.manifest().supportedLogTypes).toEqual(['call']);
  });
});
