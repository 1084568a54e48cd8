import { startPluginServer, type PluginServer } from './index';
import { PluginContract } from './plugin-contract';
import { asyncEnvelope, callPlugin, callLogPayload, register, startCallbackReceiver } from './plugin-test.helpers';

describe('plugin simulator: every answer follows plugin-server-openapi.json', () => {
  it('validates every response of a tour through all routes and outcomes of both modes', async () => {
    const receiver = await startCallbackReceiver();
    const syncPlugin = await startPluginServer({ mode: 'sync', verifyRcToken: async (t) => (t === 'good' ? { accountId: '6001' } : undefined) });
    const asyncPlugin = await startPluginServer({ mode: 'async', async: { delayMs: 0 } });
    const outcomes = new Set<string>();
    try {
      for (const plugin of [syncPlugin, asyncPlugin]) {
        const call = async (method: string, path: string, options: Parameters<typeof callPlugin>[3] = {}) => {
          const res = await callPlugin(plugin, method, path, options);
          outcomes.add(`${plugin.mode} ${method} ${path} ${res.status}`);
          return res;
        };
        const token = plugin === syncPlugin ? await register(plugin, '6001', 'good') : await register(plugin, '6001');
        const foreign = plugin.issueToken('6001', { pluginId: 'another' });
        const near = plugin.issueToken('6001', { expiresInSeconds: 3600 });
        const invocation = plugin.mode === 'sync' ? { data: callLogPayload(), config: null, hashedExtensionId: 'h' } : asyncEnvelope(receiver.url);
        const path = `/plugin/${plugin.mode}`;

        await call('GET', '/isAlive');
        for (const t of [token, near, foreign, 'garbage']) {
          await call('POST', '/token/sync', { body: {}, token: t });
          await call('POST', path, { body: plugin.mode === 'async' ? asyncEnvelope(receiver.url) : invocation, token: t });
          await call('GET', '/license', { token: t });
        }
        plugin.setKnobs({ licensed: false });
        await call('GET', '/license', { token });
        if (plugin === syncPlugin) {
          await call('POST', '/admin/register', { body: { rcAccessToken: 'good', rcAccountId: '6002' } }); // 403
          await call('POST', '/admin/register', { body: { rcAccessToken: 'bad', rcAccountId: '6001' } }); // 400
          await call('POST', path, { body: { data: callLogPayload({ note: '' }), config: { suffix: { value: 'x' } } }, token });
        } else {
          await call('POST', path, { body: { data: callLogPayload(), config: null }, token }); // 400, the fire-and-forget variant
        }
        await plugin.callbacksSettled();
        const stats = plugin.stats();
        expect(stats.validation.responsesChecked).toBe(stats.total);
        expect(plugin.validationFailures().filter((f) => f.direction !== 'request')).toEqual([]);
        expect(stats.validation.unexpectedFailures).toBe(0);
      }
      expect(asyncPlugin.callbacksSent().length).toBeGreaterThan(0);
      expect([...outcomes].sort()).toEqual(
        expect.arrayContaining([
          'sync GET /isAlive 200', 'sync POST /token/sync 200', 'sync POST /token/sync 401', 'sync POST /token/sync 403',
          'sync POST /plugin/sync 200', 'sync POST /plugin/sync 401', 'sync POST /plugin/sync 403',
          'sync GET /license 200', 'sync GET /license 401', 'sync GET /license 403',
          'sync POST /admin/register 400', 'sync POST /admin/register 403',
          'async POST /plugin/async 200', 'async POST /plugin/async 400', 'async POST /plugin/async 401', 'async POST /plugin/async 403',
        ]),
      );
    } finally {
      await Promise.all([syncPlugin.close(), asyncPlugin.close(), receiver.close()]);
    }
  });

  it('records requests that break the contract against the caller', async () => {
    const plugin: PluginServer = await startPluginServer();
    try {
      // App Connect sends exactly {rcAccessToken, rcAccountId}; pluginId in the body is not part of the contract.
      expect((await callPlugin(plugin, 'POST', '/admin/register', { body: { rcAccessToken: 't', rcAccountId: '1', pluginId: 'p' } })).status).toBe(200);
      const token = await register(plugin, '1');
      await callPlugin(plugin, 'POST', '/token/sync', { body: { refresh: true }, token });
      await callPlugin(plugin, 'POST', '/plugin/sync', { body: { data: callLogPayload(), extra: 1 }, token });
      await callPlugin(plugin, 'GET', '/nowhere');
      expect(plugin.validationFailures().map((f) => [f.direction, f.path, f.errors[0]])).toEqual([
        ['request', '/admin/register', '/requestBody must NOT have additional properties ("pluginId")'],
        ['request', '/token/sync', expect.stringMatching(/^\/requestBody must NOT have (more than 0 properties|additional properties)/)],
        ['request', '/plugin/sync', '/requestBody must NOT have additional properties ("extra")'],
        ['request', '/nowhere', 'path not declared by the contract'],
      ]);
      expect(plugin.requests().find((r) => r.path === '/plugin/sync')?.requestErrors).toHaveLength(1);
      expect(plugin.stats().validation.unexpectedFailures).toBe(4);
    } finally {
      await plugin.close();
    }
  });
});

describe('plugin simulator with checkContract false', () => {
  it('serves the same routes and checks nothing', async () => {
    const plugin = await startPluginServer({ checkContract: false, badResponse: 'wrong-shape', faultRoutes: ['/plugin/sync'] });
    try {
      const token = await register(plugin);
      const res = await callPlugin(plugin, 'POST', '/plugin/sync', { body: { data: callLogPayload() }, token });
      expect(res.body).toEqual({ data: expect.any(Object), config: null });
      expect(plugin.validationFailures()).toEqual([]);
      expect(plugin.stats()).toMatchObject({ total: 2, validation: { requestsChecked: 0, responsesChecked: 0, failures: 0 } });
    } finally {
      await plugin.close();
    }
  });
});

describe('PluginContract: the checks themselves', () => {
  let contract: PluginContract;
  const json = { 'content-type': 'application/json; charset=utf-8' };
  const text = { 'content-type': 'text/plain; charset=utf-8' };

  beforeAll(async () => {
    contract = await PluginContract.open();
  });
  afterAll(() => contract.close());

  it('maps paths to operations', () => {
    expect(contract.operationFor('POST', '/plugin/sync')).toBe('invokeSynchronousPlugin');
    expect(contract.operationFor('GET', '/license')).toBe('getPluginServerLicenseStatus');
    expect(contract.operationFor('GET', '/isAlive/')).toBe('getPluginServerIsAlive');
    expect(contract.operationFor('GET', '/plugin/sync')).toBeUndefined();
    expect(contract.operationFor('POST', '/plugin/sync/extra')).toBeUndefined();
    expect(contract.operationFor('POST', '/__sim/async-plugin-completion')).toBeUndefined();
  });

  it('accepts valid answers', () => {
    expect(contract.checkResponse('getPluginServerIsAlive', { status: 200, headers: text, body: 'OK' })).toEqual([]);
    expect(contract.checkResponse('getPluginServerLicenseStatus', { status: 200, headers: json, body: '{"licenseStatus":true}' })).toEqual([]);
    expect(contract.checkResponse('getPluginServerLicenseStatus', { status: 500, headers: {}, body: '' })).toEqual([]);
    expect(contract.checkResponse('invokeSynchronousPlugin', { status: 200, headers: { ...json, 'x-refreshed-jwt-token': 'a.b.c' }, body: '{"note":"n","x":1}', requestBody: { data: { note: 'm', x: 1 } } })).toEqual([]);
  });

  it('rejects answers that break it', () => {
    const cases: [string, Parameters<PluginContract['checkResponse']>[1], RegExp][] = [
      ['getPluginServerIsAlive', { status: 200, headers: text, body: 'ALIVE' }, /must be equal to one of the allowed values/],
      ['getPluginServerIsAlive', { status: 200, headers: json, body: '"OK"' }, /content-type "application\/json" is not declared/],
      ['getPluginServerIsAlive', { status: 503, headers: text, body: 'down' }, /status 503 is not declared/],
      ['getPluginServerLicenseStatus', { status: 200, headers: json, body: '{"licenseStatusDescription":"x"}' }, /must have required property 'licenseStatus'/],
      ['getPluginServerLicenseStatus', { status: 200, headers: json, body: '{"licenseStatus":tru' }, /body is not valid JSON/],
      ['getPluginServerLicenseStatus', { status: 500, headers: text, body: 'oops' }, /declared without a body/],
      ['registerPluginAccount', { status: 200, headers: json, body: '{"jwtToken":""}' }, /must NOT have fewer than 1 characters/],
      ['invokeAsynchronousPlugin', { status: 200, headers: json, body: '{"accepted":true,"asyncTaskId":"task-1"}' }, /must match format "uuid"/],
      ['syncPluginToken', { status: 200, headers: { ...text, 'x-refreshed-jwt-token': '' }, body: 'OK' }, /x-refreshed-jwt-token must NOT have fewer than 1 characters/],
      ['invokeSynchronousPlugin', { status: 200, headers: json, body: '{"data":{"note":"n"}}', requestBody: { data: { note: 'n', logInfo: {} } } }, /drops field\(s\) of the request data: note, logInfo/],
      ['invokeSynchronousPlugin', { status: 200, headers: json, body: '[{"note":"n"}]', requestBody: { data: { note: 'n' } } }, /must be object/],
    ];
    for (const [operationId, response, expected] of cases) {
      expect({ operationId, errors: contract.checkResponse(operationId, response) }).toEqual({ operationId, errors: expect.arrayContaining([expect.stringMatching(expected)]) });
    }
  });

  it('checks the completion callback both ways', () => {
    expect(contract.checkCallbackRequest({ successful: true, note: 'n', message: 'm' })).toEqual([]);
    expect(contract.checkCallbackRequest({ successful: 'yes' })).toEqual(['/requestBody/successful must be boolean']);
    expect(contract.checkCallbackResponse(200, json, '{"successful":true}')).toEqual([]);
    expect(contract.checkCallbackResponse(201, json, '{"successful":true}')).toEqual(['status 201 is not declared for postAsyncPluginCompletion']);
  });

  it('can be opened twice and closed independently', async () => {
    const second = await PluginContract.open();
    second.close();
    expect(contract.checkCallbackRequest({ successful: true })).toEqual([]);
    expect(() => second.checkCallbackRequest({ successful: true })).toThrow(/closed/);
  });
});
