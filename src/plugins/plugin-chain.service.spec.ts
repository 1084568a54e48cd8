import type { ConfigService } from '@nestjs/config';
import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../config/app-config';
import type { Clock } from '../common/clock';
import { Cipher, type CryptoService } from '../common/crypto/crypto.service';
import { PluginCallError } from './plugin-call.error';
import { PluginChainService, type SyncChainInput } from './plugin-chain.service';
import { LICENSE_RECHECK_MS, PluginLicenseService } from './plugin-license.service';
import type { PluginClient, PluginRequest, PluginResponse } from './plugin.client';
import { PluginInvoker } from './plugin.invoker';
import type { FailurePolicy, InstalledPlugin, LoggingPayload, PluginManifestEntry } from './plugin.types';
import type { PluginsRepository } from './plugins.repository';

const crypto = new Cipher(randomBytes(32).toString('base64')) as CryptoService;

type Answer = (req: PluginRequest) => PluginResponse | Promise<PluginResponse>;

/** Plugin servers as URL -> answer; records every request. */
class FakeClient {
  readonly requests: PluginRequest[] = [];
  readonly answers = new Map<string, Answer>();

  async request(req: PluginRequest): Promise<PluginResponse> {
    this.requests.push(structuredClone(req));
    const answer = this.answers.get(req.url);
    if (!answer) throw new PluginCallError('network', `${req.operation}: could not reach the plugin (ECONNREFUSED)`);
    return answer(req);
  }

  to(host: string): PluginRequest[] {
    return this.requests.filter((r) => r.url.startsWith(`https://${host}/`));
  }
}

/** The repository as the chain uses it; writes are recorded, and the token write changes only the token. */
class FakeRepository {
  plugins: InstalledPlugin[] = [];
  readonly tokenWrites: { pluginId: string; jwtEncrypted: string }[] = [];
  readonly licenseWrites: { pluginId: string; state: string }[] = [];

  async listEnabled(accountId: string): Promise<InstalledPlugin[]> {
    return this.plugins.filter((p) => p.accountId === accountId && p.enabled).sort((a, b) => a.position - b.position);
  }

  async saveToken(_accountId: string, pluginId: string, jwtEncrypted: string): Promise<void> {
    this.tokenWrites.push({ pluginId, jwtEncrypted });
    const stored = this.plugins.find((p) => p.pluginId === pluginId)!;
    stored.jwtEncrypted = jwtEncrypted;
  }

  async recordLicense(_accountId: string, pluginId: string, license: { state: string }): Promise<void> {
    this.licenseWrites.push({ pluginId, state: license.state });
  }
}

function plugin(pluginId: string, overrides: Omit<Partial<InstalledPlugin>, 'manifest'> & { manifest?: Partial<PluginManifestEntry> } = {}): InstalledPlugin {
  const { manifest, ...rest } = overrides;
  return {
    accountId: 'acc-1',
    pluginId,
    manifest: {
      name: pluginId,
      endpointUrl: `https://${pluginId}/plugin/sync`,
      userRegisterEndpointUrl: `https://${pluginId}/admin/register`,
      supportedLogTypes: ['call'],
      isAsync: false,
      ...manifest,
    },
    jwtEncrypted: crypto.encrypt(`jwt-${pluginId}`),
    config: {},
    position: 1,
    enabled: true,
    failurePolicy: 'block',
    timeoutMs: 1000,
    maxAttempts: 3,
    license: { state: null, description: null, error: null, checkedAt: null },
    tokenRefreshedAt: null,
    installedAt: new Date(),
    updatedAt: new Date(),
    ...rest,
  };
}

const callPayload = (): LoggingPayload => ({
  logInfo: { sessionId: '1', telephonySessionId: 's-1', direction: 'Inbound', startTime: '2026-07-14T09:30:00.000Z', duration: 60, result: 'Call connected', from: {}, to: {} },
  rcExtensionId: '101',
  contactId: 'con_1',
  contactType: 'Contact',
  contactName: 'Jane',
  note: '',
  additionalSubmission: { isAssignedToUser: true },
});

/** A plugin that appends its marker to the note, like sim/plugin's default transform. */
const appendMarker =
  (marker: string, headers: { refreshedToken?: string } = {}): Answer =>
  (req) => {
    const data = (req.body as { data: LoggingPayload }).data;
    return { status: 200, json: true, body: { ...data, note: data.note ? `${data.note} ${marker}` : marker }, ...headers };
  };

describe('PluginChainService', () => {
  let client: FakeClient;
  let repo: FakeRepository;
  let now: number;
  let chain: PluginChainService;

  const input = (overrides: Partial<SyncChainInput> = {}): SyncChainInput => ({
    accountId: 'acc-1',
    logType: 'call',
    operation: 'createCallLog',
    payload: callPayload(),
    hashedExtensionId: 'hashed-101',
    attempt: 1,
    ...overrides,
  });

  beforeEach(() => {
    client = new FakeClient();
    repo = new FakeRepository();
    now = Date.parse('2026-07-14T10:00:00Z');
    const clock = { now: () => new Date(now), nowMs: () => now } as Clock;
    const invoker = new PluginInvoker(client as unknown as PluginClient, repo as unknown as PluginsRepository, crypto);
    const licenses = new PluginLicenseService(invoker, repo as unknown as PluginsRepository, clock);
    const config = { get: () => ({ jobTimeoutSeconds: 120 }) } as unknown as ConfigService<AppConfig, true>;
    chain = new PluginChainService(repo as unknown as PluginsRepository, invoker, licenses, config, () => 0.5);
  });

  describe('order and selection', () => {
    it('runs the sync call plugins in position order, each on the payload the previous one returned', async () => {
      repo.plugins = [plugin('second', { position: 2 }), plugin('first', { position: 1 }), plugin('third', { position: 3 })];
      for (const p of repo.plugins) client.answers.set(p.manifest.endpointUrl, appendMarker(`[${p.pluginId}]`));
      const result = await chain.run(input());
      expect(result).toMatchObject({ outcome: 'passed', payload: { note: '[first] [second] [third]' } });
      expect(client.requests.map((r) => r.url)).toEqual(['https://first/plugin/sync', 'https://second/plugin/sync', 'https://third/plugin/sync']);
      expect((client.requests[1]!.body as { data: LoggingPayload }).data.note).toBe('[first]');
      expect(result.runs.map((r) => [r.pluginId, r.outcome, r.action, r.changed])).toEqual([
        ['first', 'ok', 'applied', ['note']],
        ['second', 'ok', 'applied', ['note']],
        ['third', 'ok', 'applied', ['note']],
      ]);
    });

    it('sends {data, config, hashedExtensionId} with the bearer token under the plugin timeout; empty config is null', async () => {
      repo.plugins = [plugin('a', { config: { suffix: { value: '[X]' } }, timeoutMs: 750 }), plugin('b', { position: 2 })];
      for (const p of repo.plugins) client.answers.set(p.manifest.endpointUrl, appendMarker('m'));
      await chain.run(input());
      expect(client.requests[0]).toMatchObject({ method: 'POST', token: 'jwt-a', timeoutMs: 750, body: { data: callPayload(), config: { suffix: { value: '[X]' } }, hashedExtensionId: 'hashed-101' } });
      expect(client.requests[1]).toMatchObject({ token: 'jwt-b', body: { config: null } });
      expect(Object.keys(client.requests[0]!.body as object)).toEqual(['data', 'config', 'hashedExtensionId']);
    });

    it('leaves out async plugins, plugins of other log types and disabled ones', async () => {
      repo.plugins = [
        plugin('async', { manifest: { isAsync: true } }),
        plugin('sms-only', { position: 2, manifest: { supportedLogTypes: ['sms', 'fax'] } }),
        plugin('disabled', { position: 3, enabled: false }),
        plugin('calls', { position: 4, manifest: { supportedLogTypes: ['sms', 'call'] } }),
      ];
      client.answers.set('https://calls/plugin/sync', appendMarker('[calls]'));
      const result = await chain.run(input());
      expect(client.requests.map((r) => r.url)).toEqual(['https://calls/plugin/sync']);
      expect(result).toMatchObject({ outcome: 'passed', payload: { note: '[calls]' } });
    });

    it('passes the payload through untouched when there are no plugins', async () => {
      const result = await chain.run(input());
      expect(result).toEqual({ outcome: 'passed', payload: callPayload(), runs: [] });
    });
  });

  describe('failure policies', () => {
    const failures: [string, Answer, string, string][] = [
      ['times out', () => Promise.reject(new PluginCallError('timeout', 'sync: no answer within 1000 ms')), 'timeout', 'sync: no answer within 1000 ms'],
      ['answers 500', () => Promise.reject(new PluginCallError('http', 'sync: the plugin answered HTTP 500', 500)), 'error', 'sync: the plugin answered HTTP 500'],
      ['answers HTML', () => ({ status: 200, json: false, body: '<html>' }), 'rejected', 'the plugin answered something that is not JSON'],
      ['drops fields', () => ({ status: 200, json: true, body: { note: 'x' } }), 'rejected', 'unusable payload: logInfo is missing'],
      ['answers the envelope', (req) => ({ status: 200, json: true, body: req.body }), 'rejected', 'unusable payload: the answer is the request envelope {data, config}; a sync plugin must answer the payload itself'],
    ];

    function setUp(policy: FailurePolicy, broken: Answer) {
      repo.plugins = [plugin('before'), plugin('broken', { position: 2, failurePolicy: policy }), plugin('after', { position: 3 })];
      client.answers.set('https://before/plugin/sync', appendMarker('[before]'));
      client.answers.set('https://broken/plugin/sync', broken);
      client.answers.set('https://after/plugin/sync', appendMarker('[after]'));
    }

    it.each(failures)('skip: a plugin that %s is passed over; the chain goes on without its change', async (_what, broken, outcome, reason) => {
      setUp('skip', broken);
      const result = await chain.run(input());
      expect(result).toMatchObject({ outcome: 'passed', payload: { note: '[before] [after]' } });
      expect(result.runs[1]).toEqual({ pluginId: 'broken', outcome, action: 'ignored', policy: 'skip', ms: expect.any(Number), reason });
      expect((client.to('after')[0]!.body as { data: LoggingPayload }).data.note).toBe('[before]');
    });

    it.each(failures)('block: a plugin that %s stops the chain and the log waits, naming the plugin', async (_what, broken, outcome, reason) => {
      setUp('block', broken);
      const result = await chain.run(input({ attempt: 1 }));
      expect(result).toEqual({
        outcome: 'blocked',
        pluginId: 'broken',
        reason: `Plugin broken (failure policy block): ${reason}`,
        retryDelayMs: 1500, // 2 s ceiling, equal jitter at 0.5
        runs: [expect.objectContaining({ pluginId: 'before', action: 'applied' }), expect.objectContaining({ pluginId: 'broken', outcome, action: 'blocked', policy: 'block' })],
      });
      expect(client.to('after')).toEqual([]);
    });

    it('block: gives up once the call has had the plugin\'s maxAttempts', async () => {
      setUp('block', failures[0]![1]);
      expect(await chain.run(input({ attempt: 2 }))).toMatchObject({ outcome: 'blocked', retryDelayMs: 3000 });
      expect(await chain.run(input({ attempt: 3 }))).toMatchObject({
        outcome: 'blocked',
        retryDelayMs: null,
        reason: 'Plugin broken (failure policy block): sync: no answer within 1000 ms; gave up after 3 attempts',
      });
    });
  });

  describe('time budget', () => {
    it('gives the chain at most half the job timeout: later plugins get what is left, or count as timed out', async () => {
      const config = { get: () => ({ jobTimeoutSeconds: 0.6 }) } as unknown as ConfigService<AppConfig, true>;
      const invoker = new PluginInvoker(client as unknown as PluginClient, repo as unknown as PluginsRepository, crypto);
      const clock = { now: () => new Date(), nowMs: () => Date.now() } as Clock;
      chain = new PluginChainService(repo as unknown as PluginsRepository, invoker, new PluginLicenseService(invoker, repo as unknown as PluginsRepository, clock), config, () => 0.5);
      repo.plugins = [plugin('slowish', { timeoutMs: 5000, failurePolicy: 'skip' }), plugin('late', { position: 2, failurePolicy: 'skip' })];
      client.answers.set('https://slowish/plugin/sync', async (req) => {
        await new Promise((r) => setTimeout(r, 250));
        return appendMarker('[slowish]')(req);
      });
      client.answers.set('https://late/plugin/sync', appendMarker('[late]'));
      const result = await chain.run(input());
      expect(client.requests[0]!.timeoutMs).toBeLessThanOrEqual(300);
      expect(client.to('late')).toEqual([]);
      expect(result).toMatchObject({ outcome: 'passed', payload: { note: '[slowish]' } });
      expect(result.runs[1]).toMatchObject({ pluginId: 'late', outcome: 'timeout', action: 'ignored', reason: 'not invoked: the plugin chain used up its 300 ms budget' });
    });
  });

  describe('tokens', () => {
    it('merges a refreshed token into the stored record (token only) and uses it for the next call', async () => {
      repo.plugins = [plugin('rotating')];
      const stored = repo.plugins[0]!;
      const manifestBefore = structuredClone(stored.manifest);
      client.answers.set('https://rotating/plugin/sync', appendMarker('[r]', { refreshedToken: 'jwt-rotating-2' }));
      await chain.run(input());
      expect(repo.tokenWrites).toHaveLength(1);
      expect(crypto.decrypt(repo.tokenWrites[0]!.jwtEncrypted)).toBe('jwt-rotating-2');
      expect(stored.manifest).toEqual(manifestBefore);
      expect(stored.config).toEqual({});

      client.answers.set('https://rotating/plugin/sync', appendMarker('[r]', { refreshedToken: 'jwt-rotating-2' }));
      await chain.run(input());
      expect(client.requests.map((r) => r.token)).toEqual(['jwt-rotating', 'jwt-rotating-2']);
      expect(repo.tokenWrites).toHaveLength(1); // the same token again is not a rotation
    });

    it('keeps a token rotated on a failing answer too', async () => {
      repo.plugins = [plugin('rotating', { failurePolicy: 'skip' })];
      client.answers.set('https://rotating/plugin/sync', () => Promise.reject(new PluginCallError('http', 'sync: the plugin answered HTTP 500', 500, 'jwt-rotating-3')));
      await chain.run(input());
      expect(crypto.decrypt(repo.tokenWrites[0]!.jwtEncrypted)).toBe('jwt-rotating-3');
    });
  });

  describe('licences', () => {
    const licensed = (licenseStatus: boolean) => () => ({ status: 200, json: true, body: { licenseStatus, licenseStatusDescription: licenseStatus ? 'License: Basic' : 'Subscription required' } });

    beforeEach(() => {
      repo.plugins = [plugin('paid', { manifest: { licenseStatusUrl: 'https://paid/license' } }), plugin('free', { position: 2 })];
      client.answers.set('https://paid/plugin/sync', appendMarker('[paid]'));
      client.answers.set('https://free/plugin/sync', appendMarker('[free]'));
    });

    it('does not invoke an unlicensed plugin; the call goes on without it', async () => {
      client.answers.set('https://paid/license', licensed(false));
      const result = await chain.run(input());
      expect(result).toMatchObject({ outcome: 'passed', payload: { note: '[free]' } });
      expect(result.runs[0]).toMatchObject({ pluginId: 'paid', outcome: 'unlicensed', action: 'not-invoked' });
      expect(client.to('paid').map((r) => `${r.method} ${r.url} ${r.token}`)).toEqual(['GET https://paid/license jwt-paid']);
      expect(repo.licenseWrites).toEqual([{ pluginId: 'paid', state: 'unlicensed' }]);
    });

    it('trusts a licence answer for an hour, then asks again', async () => {
      client.answers.set('https://paid/license', licensed(true));
      await chain.run(input());
      now += LICENSE_RECHECK_MS - 1000;
      await chain.run(input());
      expect(client.to('paid').filter((r) => r.method === 'GET')).toHaveLength(1);
      now += 2000;
      client.answers.set('https://paid/license', licensed(false));
      const result = await chain.run(input());
      expect(client.to('paid').filter((r) => r.method === 'GET')).toHaveLength(2);
      expect(result.runs[0]).toMatchObject({ outcome: 'unlicensed' });
    });

    it('invokes the plugin when its licence endpoint cannot say (unknown)', async () => {
      client.answers.set('https://paid/license', () => ({ status: 200, json: true, body: { licenseStatusDescription: 'no status' } }));
      const result = await chain.run(input());
      expect(result).toMatchObject({ outcome: 'passed', payload: { note: '[paid] [free]' } });
      expect(repo.licenseWrites).toEqual([{ pluginId: 'paid', state: 'unknown' }]);
    });
  });
});
