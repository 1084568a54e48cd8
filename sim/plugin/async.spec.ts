import { startPluginServer, type PluginServer } from './index';
import { asyncEnvelope, callPlugin, register, startCallbackReceiver, type CallbackReceiver } from './plugin-test.helpers';

describe('plugin simulator: POST /plugin/async and the completion callback', () => {
  let plugin: PluginServer;
  let receiver: CallbackReceiver;
  let token: string;

  beforeAll(async () => {
    plugin = await startPluginServer({ mode: 'async', name: 'recorder', secret: 's', async: { delayMs: 30 } });
    receiver = await startCallbackReceiver();
    token = await register(plugin, '4001');
  });
  afterAll(async () => {
    await plugin.close();
    await receiver.close();
  });
  afterEach(async () => {
    await plugin.callbacksSettled();
    const failures = plugin.validationFailures();
    plugin.reset();
    receiver.received.length = 0;
    receiver.answerWith(200, { successful: true });
    expect(failures).toEqual([]);
  });

  it('accepts at once, then POSTs a successful completion with the note to the callback URL', async () => {
    plugin.setKnobs({ callbackDelayMs: 500 });
    const envelope = asyncEnvelope(receiver.url);
    const res = await callPlugin(plugin, 'POST', '/plugin/async', { body: envelope, token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accepted: true, asyncTaskId: envelope.asyncTaskId });
    // The answer comes before the callback: nothing has been sent yet.
    expect(receiver.received).toHaveLength(0);

    const [callback] = await receiver.waitFor(1);
    expect(callback).toEqual({
      taskId: envelope.asyncTaskId,
      body: { successful: true, message: 'Async plugin completed', note: '[plugin:recorder] async' },
      contentType: expect.stringMatching(/^application\/json/),
    });
    await plugin.callbacksSettled();
    expect(plugin.callbacksSent()).toEqual([
      {
        asyncTaskId: envelope.asyncTaskId,
        url: envelope.callbackUrl,
        body: { successful: true, message: 'Async plugin completed', note: '[plugin:recorder] async' },
        sentAt: expect.any(String),
        status: 200,
        response: { successful: true },
        responseErrors: [],
      },
    ]);
    expect(plugin.invocations()).toEqual([
      expect.objectContaining({ route: '/plugin/async', authorization: `Bearer ${token}`, body: envelope, rcAccountId: '4001', status: 200 }),
    ]);
  });

  it('puts config.suffix.value in the callback note', async () => {
    await callPlugin(plugin, 'POST', '/plugin/async', { body: asyncEnvelope(receiver.url, { config: { suffix: { value: 'Recording uploaded' } } }), token });
    const [callback] = await receiver.waitFor(1);
    expect(callback.body).toMatchObject({ successful: true, note: 'Recording uploaded' });
  });

  it('reports failure with callbackMode failure, and sends nothing with callbackMode none', async () => {
    plugin.setKnobs({ callbackMode: 'failure' });
    const failing = asyncEnvelope(receiver.url);
    expect((await callPlugin(plugin, 'POST', '/plugin/async', { body: failing, token })).body).toEqual({ accepted: true, asyncTaskId: failing.asyncTaskId });
    const [callback] = await receiver.waitFor(1);
    expect(callback).toMatchObject({ taskId: failing.asyncTaskId, body: { successful: false, message: 'Async plugin failed (simulated)', note: '' } });

    plugin.setKnobs({ callbackMode: 'none' });
    const silent = asyncEnvelope(receiver.url);
    expect((await callPlugin(plugin, 'POST', '/plugin/async', { body: silent, token })).status).toBe(200);
    await plugin.callbacksSettled();
    expect(receiver.received).toHaveLength(1);
    expect(plugin.callbacksSent().map((c) => c.asyncTaskId)).toEqual([failing.asyncTaskId]);
  });

  it('waits callbackDelayMs before calling back', async () => {
    plugin.setKnobs({ callbackDelayMs: 200 });
    const started = Date.now();
    await callPlugin(plugin, 'POST', '/plugin/async', { body: asyncEnvelope(receiver.url), token });
    await receiver.waitFor(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(195);
  });

  it('answers 400 {accepted:false} when the callback fields are missing, like the template', async () => {
    const { asyncTaskId: _task, callbackUrl: _url, hashedExtensionId: _h, ...fireAndForget } = asyncEnvelope(receiver.url);
    const res = await callPlugin(plugin, 'POST', '/plugin/async', { body: fireAndForget, token });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ accepted: false, message: 'asyncTaskId and callbackUrl are required' });
    const relative = await callPlugin(plugin, 'POST', '/plugin/async', { body: asyncEnvelope('', { callbackUrl: '/plugin/async-callback/x' }), token });
    expect(relative.status).toBe(400);
    await plugin.callbacksSettled();
    expect(plugin.callbacksSent()).toEqual([]);
    // The relative URL breaks the contract's `format: uri`: recorded against the caller.
    expect(plugin.validationFailures()).toEqual([
      expect.objectContaining({ direction: 'request', errors: expect.arrayContaining(['/requestBody/callbackUrl must match format "uri"']) }),
    ]);
    plugin.reset();
  });

  it('records how the callback receiver answered, and flags answers that break the contract', async () => {
    receiver.answerWith(404, { successful: false, message: 'Async task not found' });
    await callPlugin(plugin, 'POST', '/plugin/async', { body: asyncEnvelope(receiver.url), token });
    await receiver.waitFor(1);
    await plugin.callbacksSettled();
    expect(plugin.callbacksSent()[0]).toMatchObject({ status: 404, response: { successful: false, message: 'Async task not found' }, responseErrors: [] });

    receiver.answerWith(200, { ok: true });
    await callPlugin(plugin, 'POST', '/plugin/async', { body: asyncEnvelope(receiver.url), token });
    await receiver.waitFor(2);
    await plugin.callbacksSettled();
    expect(plugin.callbacksSent()[1]).toMatchObject({ status: 200, responseErrors: [expect.stringContaining("must have required property 'successful'")] });
    expect(plugin.validationFailures()).toEqual([expect.objectContaining({ direction: 'callback-response', status: 200 })]);
    plugin.reset();
  });

  it('records a callback URL nobody listens on as an error, without an answer', async () => {
    const dead = await startCallbackReceiver();
    const url = dead.url;
    await dead.close();
    await callPlugin(plugin, 'POST', '/plugin/async', { body: asyncEnvelope(url), token });
    await plugin.callbacksSettled();
    const [sent] = plugin.callbacksSent();
    expect(sent.status).toBeUndefined();
    expect(sent.error).toEqual(expect.any(String));
  });

  it('does not serve the sync endpoint', async () => {
    expect((await callPlugin(plugin, 'POST', '/plugin/sync', { body: { data: {} }, token })).status).toBe(404);
    expect(plugin.validationFailures()).toHaveLength(1);
    plugin.reset();
  });
});
