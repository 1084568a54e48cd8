import { createHash } from 'node:crypto';
import type { SimAccount } from '../../sim/ringcentral/sim-types';
import { CryptoService } from '../../src/common/crypto/crypto.service';
import { onboardViaAdminApi, AdminClient, rcAccessToken } from '../support/admin-api';
import { consoleSignIn, cookiePair } from '../support/console-session';
import { fetchJson } from '../support/http';
import { DEMO_PEOPLE, startStack, type Stack } from '../support/stack';

/**
 * Issue 15, the server half of the console: sign in with RingCentral (authorization code + PKCE against the
 * simulator), the session cookie on the admin API, CSRF on changes, account isolation, non-admins, sign-out.
 */
describe('console: sign in with RingCentral, sessions on the admin API (simulator e2e)', () => {
  let stack: Stack;
  let simA: SimAccount;
  let simB: SimAccount;

  const call = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
    fetchJson(`${stack.app.url}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    stack = await startStack();
    simA = stack.sim.addAccount({ users: DEMO_PEOPLE });
    simB = stack.sim.addAccount({ users: DEMO_PEOPLE });
  });
  afterAll(() => stack?.close());

  it('redirects / to the console and serves its page, with the app refusing to be framed', async () => {
    const root = await fetch(`${stack.app.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/console/');
    const page = await fetch(`${stack.app.url}/console/calls`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await page.text()).toContain('<div id="root">');
  });

  it('starts the sign-in with client_id, state, an S256 code_challenge and the callback as redirect_uri', async () => {
    const res = await fetch(`${stack.app.url}/console/oauth/login`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const url = new URL(res.headers.get('location')!);
    expect(`${url.origin}${url.pathname}`).toBe(`${stack.sim.url}/restapi/oauth/authorize`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: stack.sim.options.clientId,
      redirect_uri: `${stack.app.url}/console/oauth/callback`,
      code_challenge_method: 'S256',
    });
    expect(url.searchParams.get('state')).toMatch(/^[\w-]{16,}$/);
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('sscl_console_login='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toContain(url.searchParams.get('state')!);
  });

  it('refuses a callback whose state does not match the one it issued', async () => {
    const login = await fetch(`${stack.app.url}/console/oauth/login`, { redirect: 'manual' });
    const res = await fetch(`${stack.app.url}/console/oauth/callback?code=abc&state=forged`, { redirect: 'manual', headers: { Cookie: cookiePair(login.headers, 'sscl_console_login')! } });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/console/?signin_error=state');
    expect(cookiePair(res.headers, 'sscl_console')).toBeUndefined();
  });

  it('signs an admin in: HttpOnly SameSite=Lax cookie, tokens encrypted in the database, the admin API answers', async () => {
    const admin = simA.extensions.find((e) => e.admin)!;
    const { cookie, csrfToken, session } = await consoleSignIn(stack.app.url, stack.sim, simA.id, admin.id);
    expect(session).toMatchObject({ signedIn: true, admin: true, rcAccountId: simA.id, user: { extensionId: admin.id, name: admin.name } });
    expect(csrfToken).toMatch(/^[\w-]{43}$/);
    const rows = await stack.db.query('SELECT id, tokens_encrypted FROM console_sessions');
    const value = decodeURIComponent(cookie.split('=')[1]!);
    const row = rows.find((r: { id: string }) => r.id === createHash('sha256').update(value).digest('hex'));
    expect(row).toBeDefined();
    expect(row.tokens_encrypted).toMatch(/^v1\./);
    const settings = await call('GET', '/admin/settings', { Cookie: cookie });
    expect(settings.status).toBe(200);
    expect(settings.body.enabled).toBe(false);
  });

  it('refuses a change made with the session cookie and no (or a wrong) CSRF token, and nothing changes', async () => {
    const admin = simA.extensions.find((e) => e.admin)!;
    const { cookie, csrfToken } = await consoleSignIn(stack.app.url, stack.sim, simA.id, admin.id);
    const none = await call('PATCH', '/admin/settings', { Cookie: cookie }, { logMode: 'single' });
    expect(none.status).toBe(403);
    expect(none.body.error.message).toMatch(/CSRF/);
    const wrong = await call('PATCH', '/admin/settings', { Cookie: cookie, 'X-CSRF-Token': `${csrfToken.slice(0, -2)}xx` }, { logMode: 'single' });
    expect(wrong.status).toBe(403);
    expect((await call('GET', '/admin/settings', { Cookie: cookie })).body.logMode).not.toBe('single');
    const ok = await call('PATCH', '/admin/settings', { Cookie: cookie, 'X-CSRF-Token': csrfToken }, { logMode: 'single' });
    expect(ok.status).toBe(200);
    expect(ok.body.logMode).toBe('single');
  });

  it('a non-admin signs in, is told they are not an admin, and the admin API gives them nothing', async () => {
    const bob = simA.extensions.find((e) => e.type === 'User' && !e.admin)!;
    const { cookie, session } = await consoleSignIn(stack.app.url, stack.sim, simA.id, bob.id);
    expect(session).toMatchObject({ signedIn: true, admin: false });
    const res = await call('GET', '/admin/call-logs', { Cookie: cookie });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });

  it("a session of account B cannot read or retry account A's call", async () => {
    const tokenA = await rcAccessToken(stack.sim, simA.id);
    const a = AdminClient.bearer(stack.app.url, tokenA);
    await onboardViaAdminApi(a, { crmApiUrl: stack.crm.apiUrl, crmApiKey: stack.crm.issueApiKey(), jwt: stack.sim.issueJwt(simA.id), settings: { adminCrmUserId: 'usr_1001' } });
    const played = await stack.sim.play(simA.id, 'inbound-answered', { externalNumber: '+14155550100' });
    let calls: any[] = [];
    for (let i = 0; i < 200 && calls.length === 0; i++) {
      calls = (await a.get('/admin/call-logs')).body.items;
      if (calls.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(played.legs.length).toBeGreaterThan(0);
    expect(calls.length).toBeGreaterThan(0);
    const adminB = simB.extensions.find((e) => e.admin)!;
    const { cookie, csrfToken } = await consoleSignIn(stack.app.url, stack.sim, simB.id, adminB.id);
    const read = await call('GET', `/admin/call-logs/${calls[0].id}`, { Cookie: cookie });
    expect(read.status).toBe(404);
    const retry = await call('POST', `/admin/call-logs/${calls[0].id}/retry`, { Cookie: cookie, 'X-CSRF-Token': csrfToken });
    expect(retry.status).toBe(404);
    expect((await call('GET', '/admin/call-logs', { Cookie: cookie })).body.items).toEqual([]);
  });

  it('signs out: the RingCentral token is revoked, the cookie is cleared and stops working', async () => {
    const admin = simA.extensions.find((e) => e.admin)!;
    const { cookie, csrfToken } = await consoleSignIn(stack.app.url, stack.sim, simA.id, admin.id);
    const before = await stack.db.query('SELECT count(*)::int AS n FROM console_sessions');
    const id = createHash('sha256').update(decodeURIComponent(cookie.split('=')[1]!)).digest('hex');
    const [row] = await stack.db.query('SELECT tokens_encrypted FROM console_sessions WHERE id = $1', [id]);
    const { accessToken } = stack.app.app.get(CryptoService).decryptJson<{ accessToken: string }>(row.tokens_encrypted);
    const whoAmI = () => fetch(`${stack.sim.url}/restapi/v1.0/account/~/extension/~`, { headers: { Authorization: `Bearer ${accessToken}` } });
    expect((await whoAmI()).status).toBe(200);
    const refused = await call('POST', '/console/oauth/logout', { Cookie: cookie });
    expect(refused.status).toBe(403);
    const out = await fetch(`${stack.app.url}/console/oauth/logout`, { method: 'POST', headers: { Cookie: cookie, 'X-CSRF-Token': csrfToken } });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().join()).toMatch(/sscl_console=;.*Max-Age=0/);
    const after = await stack.db.query('SELECT count(*)::int AS n FROM console_sessions');
    expect(after[0].n).toBe(before[0].n - 1);
    expect((await whoAmI()).status).toBe(401);
    expect((await call('GET', '/admin/settings', { Cookie: cookie })).status).toBe(401);
    expect((await call('GET', '/console/session', { Cookie: cookie })).body).toMatchObject({ signedIn: false });
  });

  it('refreshes an expired access token while the session is in use', async () => {
    const admin = simA.extensions.find((e) => e.admin)!;
    const { cookie } = await consoleSignIn(stack.app.url, stack.sim, simA.id, admin.id);
    const id = createHash('sha256').update(decodeURIComponent(cookie.split('=')[1]!)).digest('hex');
    const [{ tokens_encrypted: before }] = await stack.db.query('SELECT tokens_encrypted FROM console_sessions WHERE id = $1', [id]);
    // The simulator kills the access token; the service must notice by expiry and use the refresh token.
    stack.sim.expireAccessTokens(simA.id);
    await stack.db.query("UPDATE console_sessions SET access_expires_at = now() - interval '1 minute' WHERE id = $1", [id]);
    const res = await call('GET', '/admin/settings', { Cookie: cookie });
    expect(res.status).toBe(200);
    const [{ tokens_encrypted: after }] = await stack.db.query('SELECT tokens_encrypted FROM console_sessions WHERE id = $1', [id]);
    expect(after).not.toBe(before);
    // The session (and the renewed cookie) now ends with the new refresh token.
    await stack.db.query("UPDATE console_sessions SET expires_at = now() + interval '1 hour' WHERE id = $1", [id]);
    const session = await fetch(`${stack.app.url}/console/session`, { headers: { Cookie: cookie } });
    const maxAge = Number(/Max-Age=(\d+)/.exec(session.headers.getSetCookie().join())?.[1]);
    expect(maxAge).toBeGreaterThan(3500);
    expect(maxAge).toBeLessThanOrEqual(3600);
  });
});
