import { startPluginServer, type PluginServer, type TransformContext } from './index';
import { callPlugin, callLogPayload, register } from './plugin-test.helpers';

describe('plugin simulator: POST /plugin/sync', () => {
  let plugin: PluginServer;
  let token: string;

  beforeAll(async () => {
    plugin = await startPluginServer({ mode: 'sync', name: 'notes-marker', secret: 's' });
    token = await register(plugin, '2001');
  });
  afterAll(() => plugin.close());
  afterEach(() => {
    const failures = plugin.validationFailures();
    plugin.reset();
    expect(failures).toEqual([]);
  });

  it('answers the bare payload with the marker appended to the note, every other field intact', async () => {
    const data = callLogPayload();
    const res = await callPlugin(plugin, 'POST', '/plugin/sync', { body: { data, config: null, hashedExtensionId: 'abc123' }, token });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toEqual({ ...data, note: 'Customer asked for a callback. [plugin:notes-marker]' });
  });

  it('uses config.suffix.value instead of the marker, proving config reaches the plugin', async () => {
    const res = await callPlugin(plugin, 'POST', '/plugin/sync', {
      body: { data: callLogPayload({ note: '' }), config: { suffix: { value: '#vip', customizable: true } } },
      token,
    });
    expect(res.body.note).toBe('#vip');
    // An empty or missing value falls back to the default, as App Connect may omit values.
    const fallback = await callPlugin(plugin, 'POST', '/plugin/sync', { body: { data: callLogPayload({ note: 'x' }), config: { suffix: { value: '' } } }, token });
    expect(fallback.body.note).toBe('x [plugin:notes-marker]');
  });

  it('leaves a payload without a note untouched (an update that does not change the note)', async () => {
    const data = { logInfo: { sessionId: 's-1', result: 'Completed' }, recordingLink: 'https://media.example.com/r/1' };
    const res = await callPlugin(plugin, 'POST', '/plugin/sync', { body: { data, config: null }, token });
    expect(res.body).toEqual(data);
  });

  it('records what each invocation received and answered', async () => {
    const body = { data: callLogPayload(), config: { suffix: { value: '[seen]' } }, hashedExtensionId: 'h-1' };
    await callPlugin(plugin, 'POST', '/plugin/sync', { body, token });
    await callPlugin(plugin, 'POST', '/plugin/sync', { body });
    expect(plugin.invocations()).toEqual([
      expect.objectContaining({ seq: 1, route: '/plugin/sync', authorization: `Bearer ${token}`, body, rcAccountId: '2001', status: 200, requestErrors: [] }),
      expect.objectContaining({ seq: 2, route: '/plugin/sync', authorization: undefined, body, rcAccountId: undefined, status: 401 }),
    ]);
    expect(plugin.invocations()[0].response).toMatchObject({ note: 'Customer asked for a callback. [seen]' });
    expect(plugin.stats()).toMatchObject({ total: 2, byRoute: { 'POST /plugin/sync': 2 }, byStatus: { '200': 1, '401': 1 } });
  });

  it('answers 500 when the envelope has no data object', async () => {
    const res = await callPlugin(plugin, 'POST', '/plugin/sync', { body: { config: null }, token });
    expect(res.status).toBe(500);
    expect(res.text).toBe('Plugin request failed');
    // The request broke the contract (data is required): recorded against the caller.
    expect(plugin.validationFailures()).toEqual([expect.objectContaining({ direction: 'request', operationId: 'invokeSynchronousPlugin' })]);
    plugin.reset();
  });

  it('does not serve the async endpoint, and records the call as a contract failure of the caller', async () => {
    const res = await callPlugin(plugin, 'POST', '/plugin/async', { body: { data: {} }, token });
    expect(res.status).toBe(404);
    expect(plugin.validationFailures()).toEqual([
      expect.objectContaining({ direction: 'request', path: '/plugin/async', errors: [expect.stringMatching(/not served by this plugin/)] }),
    ]);
    plugin.reset();
  });

  it('answers POST /token/sync with OK and GET /license with an active licence', async () => {
    const sync = await callPlugin(plugin, 'POST', '/token/sync', { body: {}, token });
    expect({ status: sync.status, text: sync.text }).toEqual({ status: 200, text: 'OK' });
    const license = await callPlugin(plugin, 'GET', '/license', { token });
    expect(license.body).toEqual({ licenseStatus: true, licenseStatusDescription: 'License: Simulated' });
  });
});

describe('plugin simulator: configurable transforms and two plugins in a chain', () => {
  it('appends a configured marker, or runs a function that sees config and identity', async () => {
    const seen: TransformContext[] = [];
    const first = await startPluginServer({ pluginId: 'first', transform: { appendToNote: '(checked)' } });
    const second = await startPluginServer({
      pluginId: 'second',
      transform: (data, context) => {
        seen.push(context);
        return { ...data, note: String(data.note).toUpperCase(), additionalSubmission: { reviewed: true } };
      },
    });
    try {
      const firstToken = await register(first, '3001');
      const secondToken = await register(second, '3001');
      const data = callLogPayload({ note: 'follow up' });
      // App Connect runs sync plugins one after the other, feeding each the previous answer.
      const afterFirst = await callPlugin(first, 'POST', '/plugin/sync', { body: { data, config: null, hashedExtensionId: 'h' }, token: firstToken });
      const afterSecond = await callPlugin(second, 'POST', '/plugin/sync', {
        body: { data: afterFirst.body, config: { level: { value: 'high' } }, hashedExtensionId: 'h' },
        token: secondToken,
      });
      expect(afterSecond.body).toEqual({ ...data, note: 'FOLLOW UP (CHECKED)', additionalSubmission: { reviewed: true } });
      expect(seen).toEqual([{ config: { level: { value: 'high' } }, hashedExtensionId: 'h', rcAccountId: '3001', pluginId: 'second' }]);
      expect(first.manifest().pageContent[0].defaultValue).toBe('(checked)');
      expect(second.manifest({ displayName: 'Upper' })).toMatchObject({ displayName: 'Upper', name: 'second', endpointUrl: `${second.url}/plugin/sync` });
      // Each server takes only its own tokens.
      expect((await callPlugin(second, 'POST', '/plugin/sync', { body: { data }, token: firstToken })).status).toBe(401);
      expect([...first.validationFailures(), ...second.validationFailures()]).toEqual([]);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('answers 500 when the transform throws', async () => {
    const broken = await startPluginServer({
      transform: () => {
        throw new Error('boom');
      },
    });
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      const res = await callPlugin(broken, 'POST', '/plugin/sync', { body: { data: callLogPayload() }, token: await register(broken) });
      expect(res).toMatchObject({ status: 500, text: 'Plugin request failed' });
      expect(errors).toHaveLength(1);
      expect(broken.validationFailures()).toEqual([]);
    } finally {
      console.error = original;
      await broken.close();
    }
  });
});
