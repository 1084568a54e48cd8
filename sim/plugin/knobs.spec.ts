import { startPluginServer, type BadResponseKind, type PluginRoute, type PluginServer } from './index';
import { asyncEnvelope, callPlugin, callLogPayload, register, startCallbackReceiver } from './plugin-test.helpers';

describe('plugin simulator: fault knobs', () => {
  let plugin: PluginServer;
  let token: string;
  const sync = () => callPlugin(plugin, 'POST', '/plugin/sync', { body: { data: callLogPayload(), config: null }, token });

  beforeAll(async () => {
    plugin = await startPluginServer({ secret: 's', seed: 7 });
    token = await register(plugin, '5001');
  });
  afterAll(() => plugin.close());
  afterEach(() => plugin.reset());

  it('adds latency to the fault routes, errors included, but not to /isAlive', async () => {
    plugin.setKnobs({ latencyMs: 150 });
    let started = Date.now();
    expect((await sync()).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
    started = Date.now();
    expect((await callPlugin(plugin, 'GET', '/license')).status).toBe(401);
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
    expect(plugin.stats().validation.unexpectedFailures).toBe(0);
    // /isAlive is never slowed down; nothing is asserted about its speed, only that it still answers.
    expect((await callPlugin(plugin, 'GET', '/isAlive')).text).toBe('OK');
  });

  it('answers failStatus on every fault route with failRate 1, in the media type the contract declares', async () => {
    plugin.setKnobs({ failRate: 1 });
    const res = await sync();
    expect(res).toMatchObject({ status: 500, text: 'Plugin request failed (simulated)' });
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await callPlugin(plugin, 'POST', '/token/sync', { body: {}, token })).status).toBe(500);
    // The contract declares /license 500 without a body.
    expect(await callPlugin(plugin, 'GET', '/license', { token })).toMatchObject({ status: 500, text: '' });
    expect((await callPlugin(plugin, 'POST', '/admin/register', { body: { rcAccessToken: 't', rcAccountId: '1' } })).status).toBe(500);
    expect(plugin.registrations()).toEqual([]);
    // The contract declares no 500 for registration: a contract failure, but one the knob explains.
    expect(plugin.validationFailures()).toEqual([
      expect.objectContaining({ direction: 'response', path: '/admin/register', status: 500, injected: 'fail', errors: ['status 500 is not declared for registerPluginAccount'] }),
    ]);
    expect(plugin.invocations()[0]).toMatchObject({ status: 500, body: { data: callLogPayload() } });

    plugin.setKnobs({ failStatus: 503 });
    expect((await sync()).status).toBe(503);
    expect(plugin.validationFailures()[1]).toMatchObject({ direction: 'response', path: '/plugin/sync', status: 503, injected: 'fail' });
    expect(plugin.stats().validation).toMatchObject({ failures: 2, unexpectedFailures: 0 });

    plugin.setKnobs({ failRate: 0 });
    expect((await sync()).status).toBe(200);
  });

  it('fails a seeded, repeatable share of requests with a failRate between 0 and 1', async () => {
    const run = async () => {
      plugin.setKnobs({ failRate: 0.5 });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await sync()).status);
      return statuses;
    };
    const first = await run();
    expect(first).toContain(500);
    expect(first).toContain(200);
    plugin.reset();
    expect(await run()).toEqual(first);
  });

  it('limits faults to faultRoutes', async () => {
    plugin.setKnobs({ failRate: 1, faultRoutes: ['/plugin/sync'] });
    expect((await sync()).status).toBe(500);
    expect((await callPlugin(plugin, 'POST', '/token/sync', { body: {}, token })).status).toBe(200);
    expect((await callPlugin(plugin, 'GET', '/license', { token })).status).toBe(200);
  });

  it('never answers with timeoutForever; the caller has to give up', async () => {
    plugin.setKnobs({ timeoutForever: true, faultRoutes: ['/plugin/sync'] });
    await expect(
      callPlugin(plugin, 'POST', '/plugin/sync', { body: { data: callLogPayload() }, token, signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow(/aborted|timeout/i);
    expect(plugin.invocations()).toEqual([expect.objectContaining({ route: '/plugin/sync', status: undefined, body: { data: callLogPayload() } })]);
    expect(plugin.stats().byStatus).toEqual({});
    expect((await callPlugin(plugin, 'POST', '/token/sync', { body: {}, token })).status).toBe(200);
  });

  it('drops requests held by timeoutForever when the server closes', async () => {
    const held = await startPluginServer({ timeoutForever: true, faultRoutes: ['/token/sync'] });
    const pending = callPlugin(held, 'POST', '/token/sync', { body: {}, token: held.issueToken('1') });
    for (let i = 0; i < 200 && held.stats().total === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(held.stats().total).toBe(1);
    await held.close();
    await expect(pending).rejects.toThrow();
  });

  it('reports licenseStatus false with licensed false', async () => {
    plugin.setKnobs({ licensed: false });
    const res = await callPlugin(plugin, 'GET', '/license', { token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      licenseStatus: false,
      licenseStatusDescription: expect.any(String),
      errorMessage: 'This plugin is not licensed',
    });
    expect(plugin.validationFailures()).toEqual([]);
  });

  const badCases: [PluginRoute, BadResponseKind, (res: { body: any; text: string; headers: Headers }) => void][] = [
    ['/admin/register', 'not-json', (res) => expect(res.headers.get('content-type')).toMatch(/^text\/html/)],
    ['/admin/register', 'missing-fields', (res) => expect(res.body).toEqual({})],
    ['/admin/register', 'wrong-shape', (res) => expect(res.body).toEqual({ jwtToken: { token: expect.any(String) } })],
    ['/plugin/sync', 'not-json', (res) => expect(() => JSON.parse(res.text)).toThrow()],
    ['/plugin/sync', 'missing-fields', (res) => expect(res.body).toEqual({ note: 'Customer asked for a callback. [plugin:sim-sync-plugin]' })],
    ['/plugin/sync', 'wrong-shape', (res) => expect(res.body).toEqual({ data: expect.objectContaining({ logInfo: expect.any(Object) }), config: null })],
    ['/license', 'missing-fields', (res) => expect(res.body).toEqual({ licenseStatusDescription: 'License: Simulated' })],
    ['/license', 'wrong-shape', (res) => expect(res.body).toMatchObject({ licenseStatus: 'active' })],
    ['/token/sync', 'missing-fields', (res) => expect(res.text).toBe('')],
    ['/token/sync', 'wrong-shape', (res) => expect(res.body).toEqual({ status: 'OK' })],
  ];

  it.each(badCases)('answers %s with a %s body that the contract check rejects', async (route, kind, check) => {
    plugin.setKnobs({ badResponse: kind });
    const request: Record<PluginRoute, () => ReturnType<typeof callPlugin>> = {
      '/admin/register': () => callPlugin(plugin, 'POST', '/admin/register', { body: { rcAccessToken: 't', rcAccountId: '5002' } }),
      '/plugin/sync': sync,
      '/plugin/async': sync, // not served in sync mode; covered below
      '/license': () => callPlugin(plugin, 'GET', '/license', { token }),
      '/token/sync': () => callPlugin(plugin, 'POST', '/token/sync', { body: {}, token }),
    };
    const res = await request[route]();
    expect(res.status).toBe(200);
    check(res);
    expect(plugin.validationFailures()).toEqual([expect.objectContaining({ direction: 'response', path: route, injected: 'bad-response', errors: [expect.any(String)] })]);
    expect(plugin.stats().validation.unexpectedFailures).toBe(0);
  });

  it('answers /plugin/async badly too, and still calls back', async () => {
    const receiver = await startCallbackReceiver();
    const asyncPlugin = await startPluginServer({ mode: 'async', async: { delayMs: 0 } });
    try {
      const asyncToken = await register(asyncPlugin);
      for (const [kind, expected] of [['missing-fields', { asyncTaskId: expect.any(String) }], ['wrong-shape', { accepted: 'yes', asyncTaskId: expect.any(String) }]] as const) {
        asyncPlugin.setKnobs({ badResponse: kind });
        const res = await callPlugin(asyncPlugin, 'POST', '/plugin/async', { body: asyncEnvelope(receiver.url), token: asyncToken });
        expect(res.body).toEqual(expected);
      }
      await receiver.waitFor(2);
      await asyncPlugin.callbacksSettled();
      expect(asyncPlugin.validationFailures().map((f) => [f.path, f.injected])).toEqual([
        ['/plugin/async', 'bad-response'],
        ['/plugin/async', 'bad-response'],
      ]);
    } finally {
      await asyncPlugin.close();
      await receiver.close();
    }
  });

  it('rejects knob values out of range and keeps the old ones', () => {
    plugin.setKnobs({ latencyMs: 5 });
    expect(() => plugin.setKnobs({ failRate: 2 })).toThrow(RangeError);
    expect(() => plugin.setKnobs({ failStatus: 200 })).toThrow(RangeError);
    expect(() => plugin.setKnobs({ badResponse: 'html' as BadResponseKind })).toThrow(RangeError);
    expect(() => plugin.setKnobs({ faultRoutes: ['/isAlive' as PluginRoute] })).toThrow(RangeError);
    expect(() => plugin.setKnobs({ latencyMs: 1, callbackMode: 'maybe' as 'none' })).toThrow(RangeError);
    expect(plugin.knobs()).toMatchObject({ latencyMs: 5, failRate: 0, failStatus: 500, badResponse: null, callbackMode: 'success' });
  });

  it('starts with the knobs given as options and goes back to them on reset', async () => {
    const configured = await startPluginServer({ licensed: false, failStatus: 502, async: { successful: false, delayMs: 5 } });
    try {
      expect(configured.knobs()).toMatchObject({ licensed: false, failStatus: 502, callbackMode: 'failure', callbackDelayMs: 5 });
      configured.setKnobs({ licensed: true });
      configured.reset();
      expect(configured.knobs().licensed).toBe(false);
      await expect(startPluginServer({ failRate: 3 })).rejects.toThrow(RangeError);
    } finally {
      await configured.close();
    }
  });
});
