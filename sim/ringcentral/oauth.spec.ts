import { startRingCentralSim, type RingCentralSim } from './index';
import { api, basicAuth, login, manualClock, tokenRequest } from './testing/sim-client';

const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

describe('RingCentral sim: OAuth token endpoint', () => {
  const clock = manualClock();
  let sim: RingCentralSim;
  let accountId: string;

  beforeAll(async () => {
    sim = await startRingCentralSim({ clock, accessTokenTtlSeconds: 600, maxSessionsPerUser: 2 });
    accountId = sim.addAccount().id;
  });
  afterAll(() => sim.close());

  it('exchanges a JWT credential for a token set with the documented fields', async () => {
    const admin = sim.account(accountId).extensions.find((e) => e.admin)!;
    const res = await tokenRequest(sim, { grant_type: JWT_GRANT, assertion: sim.issueJwt(accountId, admin.id) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 600,
      refresh_token: expect.any(String),
      refresh_token_expires_in: 604800,
      scope: expect.stringContaining('CallControl'),
      owner_id: admin.id,
      endpoint_id: expect.any(String),
      session_id: expect.any(String),
    });
    expect(res.headers.get('x-rate-limit-group')).toBe('auth');
  });

  it('accepts client_id in the body instead of Basic auth', async () => {
    const res = await tokenRequest(sim, { grant_type: JWT_GRANT, assertion: sim.issueJwt(accountId), client_id: sim.options.clientId }, null);
    expect(res.status).toBe(200);
  });

  it('answers 401 invalid_client for a wrong client secret', async () => {
    const res = await tokenRequest(sim, { grant_type: JWT_GRANT, assertion: sim.issueJwt(accountId) }, basicAuth(sim, 'wrong'));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(res.body.errors[0].errorCode).toBe('OAU-153');
  });

  it('rejects other grant types with unauthorized_client / OAU-251', async () => {
    const res = await tokenRequest(sim, { grant_type: 'password', username: 'x', password: 'y' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'unauthorized_client', errors: [{ errorCode: 'OAU-251' }] });
  });

  it('answers invalid_grant for a revoked or forged JWT', async () => {
    const jwt = sim.issueJwt(accountId);
    sim.revokeJwt({ jwt });
    const revoked = await tokenRequest(sim, { grant_type: JWT_GRANT, assertion: jwt });
    expect(revoked.status).toBe(400);
    expect(revoked.body.error).toBe('invalid_grant');
    const forged = await tokenRequest(sim, { grant_type: JWT_GRANT, assertion: `${jwt.slice(0, -4)}AAAA` });
    expect(forged.status).toBe(400);
    expect(forged.body.error).toBe('invalid_grant');
  });

  it('makes refresh tokens single-use and kills the previous access token', async () => {
    const first = await login(sim, accountId);
    const refreshed = await tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.access_token).not.toBe(first.access_token);
    expect(refreshed.body.session_id).toBe(first.session_id);

    expect((await api(sim, first.access_token, 'GET', '/restapi/v1.0/account/~/extension/~')).status).toBe(401);
    expect((await api(sim, refreshed.body.access_token, 'GET', '/restapi/v1.0/account/~/extension/~')).status).toBe(200);

    const reused = await tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe('invalid_grant');
  });

  it('answers 401 with an OAU error body once the access token expired', async () => {
    const tokens = await login(sim, accountId);
    clock.advance(601_000);
    const res = await api(sim, tokens.access_token, 'GET', '/restapi/v1.0/account/~/extension/~');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ errorCode: 'TokenExpired', errors: [{ errorCode: 'OAU-128' }] });
    // The refresh token still works after the access token expired.
    const refreshed = await tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(refreshed.status).toBe(200);
  });

  it('answers 401 for an unknown bearer token and for no token', async () => {
    expect((await api(sim, 'not-a-token', 'GET', '/restapi/v1.0/subscription')).status).toBe(401);
    expect((await api(sim, undefined, 'GET', '/restapi/v1.0/account/~/call-log')).status).toBe(401);
  });

  it('ends the oldest session when a user logs in more times than allowed', async () => {
    const user = sim.account(accountId).extensions.filter((e) => e.type === 'User')[1];
    const a = await login(sim, accountId, user.id);
    const b = await login(sim, accountId, user.id);
    const c = await login(sim, accountId, user.id);
    expect((await api(sim, a.access_token, 'GET', '/restapi/v1.0/account/~/extension/~')).status).toBe(401);
    expect((await api(sim, b.access_token, 'GET', '/restapi/v1.0/account/~/extension/~')).status).toBe(200);
    expect((await api(sim, c.access_token, 'GET', '/restapi/v1.0/account/~/extension/~')).status).toBe(200);
  });

  it('revokes the whole session through /restapi/oauth/revoke', async () => {
    const tokens = await login(sim, accountId);
    const res = await fetch(`${sim.url}/restapi/oauth/revoke`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: basicAuth(sim) },
      body: new URLSearchParams({ token: tokens.access_token }).toString(),
    });
    expect(res.status).toBe(200);
    expect((await api(sim, tokens.access_token, 'GET', '/restapi/v1.0/account/~/extension/~')).status).toBe(401);
    const refresh = await tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(refresh.status).toBe(400);
  });
});

describe('RingCentral sim: refresh grace window', () => {
  it('returns the same new tokens when a used refresh token is presented again within the grace window', async () => {
    const clock = manualClock();
    const sim = await startRingCentralSim({ clock, refreshGraceSeconds: 10 });
    try {
      const accountId = sim.addAccount().id;
      const tokens = await login(sim, accountId);
      const first = await tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
      const again = await tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
      expect(again.status).toBe(200);
      expect(again.body.access_token).toBe(first.body.access_token);
      clock.advance(11_000);
      const late = await tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
      expect(late.status).toBe(400);
    } finally {
      await sim.close();
    }
  });
});
