import { startRingCentralSim, type RingCentralSim } from './index';
import { api, subscribe, tokenRequest } from './testing/sim-client';
import { startWebhookReceiver, type WebhookReceiver } from './testing/webhook-receiver';

/** The /sim control API lets another process (the demo container) drive the simulator over HTTP. */
describe('RingCentral sim: control API', () => {
  let sim: RingCentralSim;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    sim = await startRingCentralSim();
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });

  const ctl = (method: string, path: string, body?: unknown) => api(sim, undefined, method, `/sim${path}`, body);

  it('creates an account, issues a JWT, plays calls and reports stats', async () => {
    const created = await ctl('POST', '/accounts', { users: [{ firstName: 'Demo', lastName: 'Admin', email: 'demo@example.com' }, {}] });
    expect(created.status).toBe(201);
    const accountId = created.body.id as string;
    expect(created.body.extensions.filter((e: { type: string }) => e.type === 'User')).toHaveLength(2);

    const jwt = await ctl('POST', `/accounts/${accountId}/jwt`, {});
    expect(jwt.body).toMatchObject({ accountId, jwt: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/) });
    const tokens = await tokenRequest(sim, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: jwt.body.jwt });
    expect(tokens.status).toBe(200);
    expect(tokens.body.owner_id).toBe(jwt.body.extensionId);
    await subscribe(sim, tokens.body.access_token, receiver.url);

    const one = await ctl('POST', `/accounts/${accountId}/calls`, { scenario: 'outbound-answered', options: { externalNumber: '+12125550199' } });
    expect(one.status).toBe(200);
    expect(one.body.legs).toEqual([expect.objectContaining({ otherPartyNumber: '+12125550199', kind: 'answered' })]);

    const many = await ctl('POST', `/accounts/${accountId}/calls`, { random: 3, options: { rate: 100, mix: { missed: 1 } } });
    expect(many.body.calls).toHaveLength(3);
    expect(many.body.calls.every((c: { scenario: string }) => c.scenario === 'missed')).toBe(true);

    const stats = await ctl('GET', '/stats');
    expect(stats.body.calls).toMatchObject({ played: 4, byScenario: { 'outbound-answered': 1, missed: 3 } });
    expect(stats.body.deliveries.succeeded).toBe(receiver.requests.length);
    expect(stats.body.requests.byRoute['POST /restapi/oauth/token']).toBe(1);
    expect(stats.body.requests.byRoute['POST /restapi/v1.0/subscription']).toBe(1);
    expect(stats.body.requests.byAccount[accountId]).toBe(2);

    const log = await ctl('GET', `/accounts/${accountId}/call-log`);
    expect(log.body.records).toHaveLength(4);
  });

  it('changes knobs at runtime', async () => {
    const res = await ctl('PATCH', '/knobs', { dropRate: 0.5, rateLimits: { heavy: { limit: 7 } } });
    expect(res.body).toMatchObject({ dropRate: 0.5, rateLimits: { heavy: { limit: 7, windowSeconds: 60 } } });
    expect(sim.knobs().dropRate).toBe(0.5);
    await ctl('PATCH', '/knobs', { dropRate: 0 });
  });

  it('blacklists and expires subscriptions, and lists them with their hidden state', async () => {
    const sub = sim.subscriptions()[0];
    const blacklisted = await ctl('POST', `/subscriptions/${sub.id}/blacklist`, { reason: 'I/O operation is failed. Details: [Read timed out]' });
    expect(blacklisted.body).toMatchObject({ status: 'Blacklisted', blacklistedData: { reason: 'I/O operation is failed. Details: [Read timed out]' } });
    const expired = await ctl('POST', `/subscriptions/${sub.id}/expire`);
    expect(expired.body.expired).toBe(true);
    expect((await ctl('POST', '/subscriptions/nope/expire')).status).toBe(404);
  });

  it('injects token faults: revoked credentials give invalid_grant', async () => {
    const accountId = (await ctl('POST', '/accounts', {})).body.id;
    const { jwt } = (await ctl('POST', `/accounts/${accountId}/jwt`, {})).body;
    const revoke = await ctl('POST', `/accounts/${accountId}/revoke`, {});
    expect(revoke.body.revokedCredentials).toBe(1);
    const res = await tokenRequest(sim, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: jwt });
    expect(res.body.error).toBe('invalid_grant');
  });

  it('rejects bad requests', async () => {
    expect((await ctl('POST', '/accounts/unknown/calls', { scenario: 'missed' })).status).toBe(404);
    const accountId = (await ctl('POST', '/accounts', {})).body.id;
    expect((await ctl('POST', `/accounts/${accountId}/calls`, { scenario: 'karaoke' })).status).toBe(400);
    expect((await ctl('POST', `/accounts/${accountId}/calls`, {})).status).toBe(400);
  });
});
