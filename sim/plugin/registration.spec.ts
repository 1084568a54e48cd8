import { startRingCentralSim, type RingCentralSim } from '../ringcentral';
import { login } from '../ringcentral/testing/sim-client';
import { PLUGIN_JWT_TTL_SECONDS, ringCentralTokenVerifier, startPluginServer, type PluginServer } from './index';
import { callPlugin } from './plugin-test.helpers';

const SECRET = 'registration-secret';

describe('plugin simulator: POST /admin/register', () => {
  let plugin: PluginServer;

  beforeAll(async () => {
    plugin = await startPluginServer({ secret: SECRET, pluginId: 'plg-sync-123' });
  });
  afterAll(() => plugin.close());
  afterEach(() => {
    const failures = plugin.validationFailures();
    plugin.reset();
    expect(failures).toEqual([]);
  });

  it('returns a JWT carrying the account, the server\'s own plugin id and a two-week expiry', async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await callPlugin(plugin, 'POST', '/admin/register', { body: { rcAccessToken: 'rc-token', rcAccountId: '37439510' } });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['jwtToken']);
    const verified = plugin.verifyToken(res.body.jwtToken);
    expect(verified.ok).toBe(true);
    if (!verified.ok) return;
    // The template's bug (docs/app-connect.md §2.7) would put `undefined` here.
    expect(verified.claims).toMatchObject({ rcAccountId: '37439510', pluginId: 'plg-sync-123' });
    expect(verified.claims.exp - verified.claims.iat).toBe(PLUGIN_JWT_TTL_SECONDS);
    expect(verified.claims.iat).toBeGreaterThanOrEqual(before);
    expect(plugin.registrations()).toEqual([{ rcAccountId: '37439510', at: expect.any(String) }]);
  });

  it('answers 400 when the access token or the account is missing', async () => {
    for (const body of [{ rcAccountId: '1' }, { rcAccessToken: 'rc-token' }, { rcAccessToken: '', rcAccountId: '1' }]) {
      const res = await callPlugin(plugin, 'POST', '/admin/register', { body });
      expect(res.status).toBe(400);
      expect(res.text).toBe('Plugin registration failed');
    }
    expect(plugin.registrations()).toEqual([]);
    // Those bodies break the contract: recorded as request failures, which is what a test of the caller wants to see.
    expect(plugin.validationFailures().map((f) => f.direction)).toEqual(['request', 'request', 'request']);
    plugin.reset();
  });

  it('asks verifyRcToken who owns the token: 403 on another account, 400 on a rejected token', async () => {
    const seen: string[] = [];
    const strict = await startPluginServer({
      secret: SECRET,
      verifyRcToken: async (token) => {
        seen.push(token);
        return token === 'good' ? { accountId: '111' } : undefined;
      },
    });
    try {
      expect((await callPlugin(strict, 'POST', '/admin/register', { body: { rcAccessToken: 'good', rcAccountId: '111' } })).status).toBe(200);
      const mismatch = await callPlugin(strict, 'POST', '/admin/register', { body: { rcAccessToken: 'good', rcAccountId: '222' } });
      expect(mismatch).toMatchObject({ status: 403, text: 'rcAccountId mismatch' });
      const rejected = await callPlugin(strict, 'POST', '/admin/register', { body: { rcAccessToken: 'bad', rcAccountId: '111' } });
      expect(rejected).toMatchObject({ status: 400, text: 'Plugin registration failed' });
      expect(seen).toEqual(['good', 'good', 'bad']);
      expect(strict.registrations().map((r) => r.rcAccountId)).toEqual(['111']);
      expect(strict.validationFailures()).toEqual([]);
    } finally {
      await strict.close();
    }
  });

  describe('against the RingCentral simulator', () => {
    let rc: RingCentralSim;
    let verified: PluginServer;

    beforeAll(async () => {
      rc = await startRingCentralSim();
      verified = await startPluginServer({ secret: SECRET, verifyRcToken: ringCentralTokenVerifier(rc.url) });
    });
    afterAll(async () => {
      await verified.close();
      await rc.close();
    });

    it('registers the token owner\'s account and refuses a claim for another one', async () => {
      const account = rc.addAccount({ users: [{ admin: true }] });
      const other = rc.addAccount({ users: [{ admin: true }] });
      const token = (await login(rc, account.id)).access_token;

      const ok = await callPlugin(verified, 'POST', '/admin/register', { body: { rcAccessToken: token, rcAccountId: account.id } });
      expect(ok.status).toBe(200);
      expect(verified.verifyToken(ok.body.jwtToken)).toMatchObject({ ok: true, claims: { rcAccountId: account.id } });

      const wrong = await callPlugin(verified, 'POST', '/admin/register', { body: { rcAccessToken: token, rcAccountId: other.id } });
      expect(wrong).toMatchObject({ status: 403, text: 'rcAccountId mismatch' });

      const forged = await callPlugin(verified, 'POST', '/admin/register', { body: { rcAccessToken: 'not-a-real-token', rcAccountId: account.id } });
      expect(forged.status).toBe(400);
      expect(verified.validationFailures()).toEqual([]);
    });
  });
});
