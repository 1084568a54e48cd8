import { PLUGIN_JWT_TTL_SECONDS, REFRESHED_TOKEN_HEADER, signPluginJwt, startPluginServer, type PluginServer } from './index';
import { DAY_MS, callPlugin, callLogPayload, manualClock, register } from './plugin-test.helpers';

const SECRET = 'auth-secret';
const PROTECTED: [string, string, unknown][] = [
  ['POST', '/token/sync', {}],
  ['POST', '/plugin/sync', { data: callLogPayload(), config: null }],
  ['GET', '/license', undefined],
];

describe('plugin simulator: bearer tokens on protected routes', () => {
  const clock = manualClock(Date.UTC(2025, 5, 24, 10, 0));
  let plugin: PluginServer;

  beforeAll(async () => {
    plugin = await startPluginServer({ secret: SECRET, pluginId: 'plg-auth', now: clock.now });
  });
  afterAll(() => plugin.close());
  afterEach(() => {
    const failures = plugin.validationFailures();
    plugin.reset();
    expect(failures).toEqual([]);
  });

  it.each(PROTECTED)('%s %s answers 401 without a usable bearer token', async (method, path, body) => {
    const valid = plugin.issueToken('1001');
    const cases: [Record<string, string>, string][] = [
      [{}, 'Bearer token is required'],
      [{ Authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }, 'Bearer token is required'],
      [{ Authorization: 'Bearer' }, 'Bearer token is required'],
      [{ Authorization: 'Bearer not.a.jwt' }, 'Invalid bearer token'],
      [{ Authorization: `Bearer ${signPluginJwt({ rcAccountId: '1001', pluginId: 'plg-auth' }, 'another-secret', { nowMs: clock.now() })}` }, 'Invalid bearer token'],
      [{ Authorization: `Bearer ${plugin.issueToken('1001', { expiresInSeconds: -1 })}` }, 'Bearer token expired'],
    ];
    for (const [headers, text] of cases) {
      const res = await callPlugin(plugin, method, path, { body, headers });
      expect({ status: res.status, text: res.text }).toEqual({ status: 401, text });
      expect(res.headers.get(REFRESHED_TOKEN_HEADER)).toBeNull();
    }
    expect((await callPlugin(plugin, method, path, { body, token: valid })).status).toBe(200);
  });

  it.each(PROTECTED)('%s %s answers 403 to a valid token issued for another plugin', async (method, path, body) => {
    const foreign = plugin.issueToken('1001', { pluginId: 'some-other-plugin' });
    const res = await callPlugin(plugin, method, path, { body, token: foreign });
    expect(res.status).toBe(403);
    expect(res.text).toBe('Token pluginId does not match this plugin');
  });

  it('does not refresh a fresh token, refreshes once seven days or less remain, and refuses it after two weeks', async () => {
    const token = await register(plugin, '1001');
    const fresh = await callPlugin(plugin, 'POST', '/token/sync', { body: {}, token });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get(REFRESHED_TOKEN_HEADER)).toBeNull();

    clock.advance(6 * DAY_MS + 23 * 60 * 60 * 1000); // 7 days and 1 hour left
    expect((await callPlugin(plugin, 'POST', '/token/sync', { body: {}, token })).headers.get(REFRESHED_TOKEN_HEADER)).toBeNull();

    clock.advance(2 * 60 * 60 * 1000); // 6 days 23 hours left
    const near = await callPlugin(plugin, 'POST', '/plugin/sync', { body: { data: callLogPayload(), config: null }, token });
    expect(near.status).toBe(200);
    const refreshed = near.headers.get(REFRESHED_TOKEN_HEADER);
    expect(refreshed).toEqual(expect.any(String));
    expect(refreshed).not.toBe(token);
    const claims = plugin.verifyToken(refreshed!);
    expect(claims).toMatchObject({ ok: true, claims: { rcAccountId: '1001', pluginId: 'plg-auth', exp: Math.floor(clock.now() / 1000) + PLUGIN_JWT_TTL_SECONDS } });

    clock.advance(7 * DAY_MS);
    expect((await callPlugin(plugin, 'GET', '/license', { token })).status).toBe(401);
    const renewed = await callPlugin(plugin, 'GET', '/license', { token: refreshed! });
    expect(renewed.status).toBe(200);
  });

  it('attaches a newly minted token to every authenticated answer with the refreshTokens knob', async () => {
    plugin.setKnobs({ refreshTokens: true });
    const token = plugin.issueToken('1002');
    const seen = new Set<string>([token]);
    for (const [method, path, body] of PROTECTED) {
      const res = await callPlugin(plugin, method, path, { body, token });
      expect(res.status).toBe(200);
      const fresh = res.headers.get(REFRESHED_TOKEN_HEADER)!;
      expect(plugin.verifyToken(fresh)).toMatchObject({ ok: true, claims: { rcAccountId: '1002', pluginId: 'plg-auth' } });
      expect(seen.has(fresh)).toBe(false);
      seen.add(fresh);
    }
    // Not on a rejected request, and not on the unprotected routes.
    expect((await callPlugin(plugin, 'GET', '/license')).headers.get(REFRESHED_TOKEN_HEADER)).toBeNull();
    expect((await callPlugin(plugin, 'GET', '/isAlive')).headers.get(REFRESHED_TOKEN_HEADER)).toBeNull();
  });

  it('leaves /isAlive and /admin/register open', async () => {
    const alive = await callPlugin(plugin, 'GET', '/isAlive');
    expect(alive.status).toBe(200);
    expect(alive.text).toBe('OK');
    expect(alive.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await register(plugin, '1003')).toEqual(expect.any(String));
  });
});
