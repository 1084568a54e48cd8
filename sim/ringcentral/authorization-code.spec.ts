import { createHash } from 'node:crypto';
import { startRingCentralSim, type RingCentralSim } from './index';
import { tokenRequest } from './testing/sim-client';

const REDIRECT = 'http://127.0.0.1:9/console/oauth/callback';
const verifier = 'v'.repeat(20) + 'erifier-0123456789-abcdefghijklmnop';
const challenge = createHash('sha256').update(verifier).digest('base64url');

describe('RingCentral sim: authorization code with PKCE', () => {
  let sim: RingCentralSim;
  let accountId: string;

  beforeAll(async () => {
    sim = await startRingCentralSim({ seed: 3 });
    accountId = sim.addAccount({ users: [{ admin: true }, {}] }).id;
  });
  afterAll(() => sim.close());

  const authorizeQuery = (extra: Record<string, string> = {}) =>
    new URLSearchParams({ response_type: 'code', client_id: sim.options.clientId, redirect_uri: REDIRECT, state: 'st-1', code_challenge: challenge, code_challenge_method: 'S256', ...extra });

  async function codeFor(extensionId: string): Promise<string> {
    const res = await fetch(`${sim.url}/restapi/oauth/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...Object.fromEntries(authorizeQuery()), account_id: accountId, extension_id: extensionId }).toString(),
    });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('state')).toBe('st-1');
    return location.searchParams.get('code')!;
  }

  it('shows a sign-in page listing every user, marking the admin', async () => {
    const res = await fetch(`${sim.url}/restapi/oauth/authorize?${authorizeQuery()}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const [admin, user] = sim.account(accountId).extensions;
    expect(html).toContain(`Sign in as ${admin.name} (admin)`);
    expect(html).toContain(`Sign in as ${user.name} (not an admin)`);
  });

  it('refuses an unknown client or a missing redirect_uri on the page itself', async () => {
    expect((await fetch(`${sim.url}/restapi/oauth/authorize?${authorizeQuery({ client_id: 'nope' })}`)).status).toBe(400);
    expect((await fetch(`${sim.url}/restapi/oauth/authorize?${authorizeQuery({ redirect_uri: 'javascript:alert(1)' })}`)).status).toBe(400);
  });

  it('exchanges the code once, with the right verifier, for the chosen user', async () => {
    const admin = sim.account(accountId).extensions.find((e) => e.admin)!;
    const code = await codeFor(admin.id);
    const ok = await tokenRequest(sim, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier });
    expect(ok.status).toBe(200);
    expect(ok.body.owner_id).toBe(admin.id);
    const me = await fetch(`${sim.url}/restapi/v1.0/account/~/extension/~`, { headers: { Authorization: `Bearer ${ok.body.access_token}` } });
    expect(((await me.json()) as { permissions: { admin: { enabled: boolean } } }).permissions.admin.enabled).toBe(true);
    const again = await tokenRequest(sim, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier });
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
  });

  it('refuses a wrong code_verifier or redirect_uri', async () => {
    const admin = sim.account(accountId).extensions.find((e) => e.admin)!;
    const bad = await tokenRequest(sim, { grant_type: 'authorization_code', code: await codeFor(admin.id), redirect_uri: REDIRECT, code_verifier: `${verifier}x` });
    expect(bad.status).toBe(400);
    expect(bad.body.error_description).toMatch(/code_verifier/);
    const otherRedirect = await tokenRequest(sim, { grant_type: 'authorization_code', code: await codeFor(admin.id), redirect_uri: 'http://evil.example/cb', code_verifier: verifier });
    expect(otherRedirect.status).toBe(400);
    expect(otherRedirect.body.error_description).toMatch(/redirect_uri/);
  });

  it('revokes: the access token stops working', async () => {
    const admin = sim.account(accountId).extensions.find((e) => e.admin)!;
    const ok = await tokenRequest(sim, { grant_type: 'authorization_code', code: await codeFor(admin.id), redirect_uri: REDIRECT, code_verifier: verifier });
    const basic = Buffer.from(`${sim.options.clientId}:${sim.options.clientSecret}`).toString('base64');
    const revoke = await fetch(`${sim.url}/restapi/oauth/revoke`, {
      method: 'POST',
      headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: ok.body.access_token }).toString(),
    });
    expect(revoke.status).toBe(200);
    const me = await fetch(`${sim.url}/restapi/v1.0/account/~/extension/~`, { headers: { Authorization: `Bearer ${ok.body.access_token}` } });
    expect(me.status).toBe(401);
  });
});
