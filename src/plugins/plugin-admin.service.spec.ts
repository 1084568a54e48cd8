import { randomBytes } from 'node:crypto';
import { OutboundGuard } from '../common/net/outbound-guard';
import { AppError } from '../common/errors/app-error';
import { Cipher, type CryptoService } from '../common/crypto/crypto.service';
import { PluginAdminService } from './plugin-admin.service';
import { PluginCallError } from './plugin-call.error';
import type { PluginLicenseService } from './plugin-license.service';
import type { PluginClient, PluginRequest, PluginResponse } from './plugin.client';
import type { InstalledPlugin } from './plugin.types';
import type { PluginRowValues, PluginsRepository } from './plugins.repository';

const crypto = new Cipher(randomBytes(32).toString('base64')) as CryptoService;
const ACCOUNT = { id: 'acc-1', rcAccountId: '37439510' };

const manifest = (overrides: Record<string, unknown> = {}) => ({
  name: 'stamper',
  endpointUrl: 'https://stamper.example.com/plugin/sync',
  userRegisterEndpointUrl: 'https://stamper.example.com/admin/register',
  tokenSyncUrl: 'https://stamper.example.com/token/sync',
  licenseStatusUrl: 'https://stamper.example.com/license',
  supportedLogTypes: ['call'],
  isAsync: false,
  pageContent: [{ const: 'suffix', title: 'Marker', type: 'inputField' }],
  ...overrides,
});

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('PluginAdminService.install', () => {
  let requests: PluginRequest[];
  let answer: () => PluginResponse | Promise<PluginResponse>;
  let installs: { accountId: string; pluginId: string; values: PluginRowValues; position?: number }[];
  let service: PluginAdminService;

  beforeEach(() => {
    requests = [];
    installs = [];
    answer = () => ({ status: 200, json: true, body: { jwtToken: 'plugin-jwt-1' } });
    const client = { request: async (req: PluginRequest) => (requests.push(req), answer()) } as unknown as PluginClient;
    const repo = {
      install: async (accountId: string, pluginId: string, values: PluginRowValues, position?: number) => {
        installs.push({ accountId, pluginId, values, position });
        return { accountId, pluginId, ...values, position: position ?? 1, license: { state: null, description: null, error: null, checkedAt: null }, tokenRefreshedAt: null, installedAt: new Date(), updatedAt: new Date() } as InstalledPlugin;
      },
    } as unknown as PluginsRepository;
    service = new PluginAdminService(repo, client, {} as PluginLicenseService, crypto, OutboundGuard.allowingAll());
  });

  it('refuses a manifest naming a loopback URL before anything is sent (the admin token least of all)', async () => {
    service = new PluginAdminService({} as PluginsRepository, { request: async (req: PluginRequest) => (requests.push(req), answer()) } as unknown as PluginClient, {} as PluginLicenseService, crypto);
    for (const spelling of ['http://127.1:9/x', 'http://0x7f000001/x', 'http://2130706433/x', 'http://[::1]/x', 'http://[::ffff:127.0.0.1]/x', 'http://0.0.0.0/x', 'http://10.1.2.3/x', 'http://169.254.169.254/x']) {
      const urls = { endpointUrl: spelling, userRegisterEndpointUrl: spelling, tokenSyncUrl: spelling, licenseStatusUrl: spelling };
      const error = await rejection(service.install(ACCOUNT, { manifest: manifest(urls), rcAccessToken: 'rc-admin-token' }));
      expect([error.status, error.field]).toEqual([400, 'manifest.endpointUrl']);
    }
    expect(requests).toEqual([]);
  });

  it('registers the account with the plugin and stores its jwtToken encrypted; the view never shows it', async () => {
    const view = await service.install(ACCOUNT, { manifest: manifest(), rcAccessToken: 'rc-admin-token', config: { suffix: { value: '[S]' } }, failurePolicy: 'skip', position: 2 });
    expect(requests).toEqual([
      { method: 'POST', url: 'https://stamper.example.com/admin/register', body: { rcAccessToken: 'rc-admin-token', rcAccountId: '37439510' }, timeoutMs: 10_000, operation: 'register' },
    ]);
    expect(installs).toHaveLength(1);
    expect(installs[0]).toMatchObject({ accountId: 'acc-1', pluginId: 'stamper', position: 2, values: { failurePolicy: 'skip', config: { suffix: { value: '[S]' } }, enabled: true } });
    expect(installs[0]!.values.jwtEncrypted).not.toContain('plugin-jwt-1');
    expect(crypto.decrypt(installs[0]!.values.jwtEncrypted)).toBe('plugin-jwt-1');
    expect(JSON.stringify(view)).not.toContain('plugin-jwt-1');
    expect(JSON.stringify(view)).not.toContain(installs[0]!.values.jwtEncrypted);
    expect(view).toMatchObject({ pluginId: 'stamper', failurePolicy: 'skip', isAsync: false, supportedLogTypes: ['call'] });
  });

  it('checks the manifest before calling anyone', async () => {
    const error = await rejection(service.install(ACCOUNT, { manifest: manifest({ supportedLogTypes: [] }), rcAccessToken: 'rc' }));
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'manifest.supportedLogTypes' });
    expect(requests).toEqual([]);
    expect((await rejection(service.install(ACCOUNT, { manifest: manifest(), rcAccessToken: '' }))).field).toBe('rcAccessToken');
    expect((await rejection(service.install(ACCOUNT, { manifest: manifest(), rcAccessToken: 'rc', config: { nope: { value: 1 } } }))).field).toBe('config.nope');
    expect(requests).toEqual([]);
  });

  it.each([
    ['no jwtToken', { jwtToken: undefined }],
    ['an empty jwtToken', { jwtToken: '' }],
    ['a jwtToken that is not text', { jwtToken: { token: 'x' } }],
  ])('refuses a registration answer with %s (400) and stores nothing', async (_what, body) => {
    answer = () => ({ status: 200, json: true, body });
    const error = await rejection(service.install(ACCOUNT, { manifest: manifest(), rcAccessToken: 'rc' }));
    expect(error).toMatchObject({ status: 400, field: 'manifest.userRegisterEndpointUrl', message: 'The plugin register API did not return a jwtToken' });
    expect(installs).toEqual([]);
  });

  it('says who refused: the admin token (400/403) or the plugin server (502)', async () => {
    answer = () => Promise.reject(new PluginCallError('http', 'register: the plugin answered HTTP 403', 403));
    expect(await rejection(service.install(ACCOUNT, { manifest: manifest(), rcAccessToken: 'rc' }))).toMatchObject({ status: 400, field: 'rcAccessToken' });
    answer = () => Promise.reject(new PluginCallError('timeout', 'register: no answer within 10000 ms'));
    expect(await rejection(service.install(ACCOUNT, { manifest: manifest(), rcAccessToken: 'rc' }))).toMatchObject({ code: 'UPSTREAM_FAILED', status: 502 });
    expect(installs).toEqual([]);
  });
});
