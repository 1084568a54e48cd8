import { startRingCentralSim, type RingCentralSim } from './index';
import { ACCOUNT_SESSIONS_FILTER, api, login, manualClock, subscribe } from './testing/sim-client';
import { startWebhookReceiver, type WebhookReceiver } from './testing/webhook-receiver';

describe('RingCentral sim: subscriptions', () => {
  const clock = manualClock();
  let sim: RingCentralSim;
  let receiver: WebhookReceiver;
  let accountId: string;
  let token: string;

  beforeAll(async () => {
    sim = await startRingCentralSim({ clock });
    receiver = await startWebhookReceiver();
    accountId = sim.addAccount().id;
    token = (await login(sim, accountId)).access_token;
  });
  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });

  it('validates the address with a Validation-Token handshake and returns SubscriptionInfo', async () => {
    const before = receiver.validations.length;
    const res = await subscribe(sim, token, receiver.url, { verificationToken: 'secret-vt', expiresIn: 999999999 });
    expect(res.status).toBe(200);
    expect(receiver.validations).toHaveLength(before + 1);
    const handshake = receiver.validations[before];
    expect(handshake.headers['validation-token']).toEqual(expect.any(String));
    expect(handshake.body).toBe('');
    expect(res.body).toEqual({
      uri: `${sim.url}/restapi/v1.0/subscription/${res.body.id}`,
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      creationTime: new Date(clock.now()).toISOString(),
      status: 'Active',
      eventFilters: [`/restapi/v1.0/account/${accountId}/telephony/sessions`],
      expirationTime: new Date(clock.now() + 315360000 * 1000).toISOString(),
      expiresIn: 315360000,
      deliveryMode: { transportType: 'WebHook', encryption: false, address: receiver.url },
    });
    expect(res.headers.get('x-rate-limit-group')).toBe('medium');
  });

  it('fails with SUB-525 when the receiver does not echo the token or does not answer 200', async () => {
    receiver.behaviour.echoValidationToken = false;
    const noEcho = await subscribe(sim, token, receiver.url);
    receiver.behaviour.echoValidationToken = true;
    expect(noEcho.status).toBe(400);
    expect(noEcho.body.errorCode).toBe('SUB-525');

    receiver.behaviour.validationStatus = 500;
    const failing = await subscribe(sim, token, receiver.url);
    receiver.behaviour.validationStatus = 200;
    expect(failing.status).toBe(400);
    expect(failing.body.errors[0]).toMatchObject({ errorCode: 'SUB-525', parameterName: 'deliveryMode.address' });

    const unreachable = await subscribe(sim, token, 'http://127.0.0.1:1/nothing-here');
    expect(unreachable.status).toBe(400);
    expect(unreachable.body.errorCode).toBe('SUB-525');
  });

  it('lists, reads, renews, updates and deletes', async () => {
    const created = (await subscribe(sim, token, receiver.url, { expiresIn: 3600 })).body;
    const list = await api(sim, token, 'GET', '/restapi/v1.0/subscription');
    expect(list.body.records.map((s: { id: string }) => s.id)).toContain(created.id);
    expect(JSON.stringify(list.body)).not.toContain('verificationToken');

    clock.advance(1800_000);
    const read = await api(sim, token, 'GET', `/restapi/v1.0/subscription/${created.id}`);
    expect(read.body.expiresIn).toBe(1800);
    expect(read.headers.get('x-rate-limit-group')).toBe('light');

    const renewed = await api(sim, token, 'POST', `/restapi/v1.0/subscription/${created.id}/renew`);
    expect(renewed.status).toBe(200);
    expect(renewed.body.expiresIn).toBe(3600);
    expect(renewed.body.expirationTime).toBe(new Date(clock.now() + 3600_000).toISOString());

    const updated = await api(sim, token, 'PUT', `/restapi/v1.0/subscription/${created.id}`, {
      eventFilters: ['/restapi/v1.0/account/~/telephony/sessions?statusCode=Disconnected'],
    });
    expect(updated.body.eventFilters).toEqual([`/restapi/v1.0/account/${accountId}/telephony/sessions?statusCode=Disconnected`]);

    const deleted = await api(sim, token, 'DELETE', `/restapi/v1.0/subscription/${created.id}`);
    expect(deleted.status).toBe(204);
    const gone = await api(sim, token, 'GET', `/restapi/v1.0/subscription/${created.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.errorCode).toBe('SUB-507');
    expect((await api(sim, token, 'POST', `/restapi/v1.0/subscription/${created.id}/renew`)).status).toBe(404);
  });

  it('answers 404 once a subscription expired', async () => {
    const created = (await subscribe(sim, token, receiver.url, { expiresIn: 60 })).body;
    clock.advance(61_000);
    const res = await api(sim, token, 'GET', `/restapi/v1.0/subscription/${created.id}`);
    expect(res.status).toBe(404);
    expect(res.body.message).toContain('expired');
    expect(sim.subscriptions().find((s) => s.id === created.id)?.expired).toBe(true);
  });

  it('rejects invalid filters (SUB-508) and filters of another account (SUB-406)', async () => {
    const invalid = await subscribe(sim, token, receiver.url, { eventFilters: ['/not/a/filter'] });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errorCode).toBe('SUB-508');
    const badQuery = await subscribe(sim, token, receiver.url, { eventFilters: [`${ACCOUNT_SESSIONS_FILTER}?direction=Sideways`] });
    expect(badQuery.body.errorCode).toBe('SUB-508');
    const foreign = await subscribe(sim, token, receiver.url, { eventFilters: ['/restapi/v1.0/account/123456/telephony/sessions'] });
    expect(foreign.status).toBe(403);
    expect(foreign.body.errorCode).toBe('SUB-406');
  });

  it('disables the account-wide filter for a non-admin user', async () => {
    const user = sim.account(accountId).extensions.find((e) => e.type === 'User' && !e.admin)!;
    const userToken = (await login(sim, accountId, user.id)).access_token;
    const res = await subscribe(sim, userToken, receiver.url, {
      eventFilters: [ACCOUNT_SESSIONS_FILTER, '/restapi/v1.0/account/~/extension/~/telephony/sessions'],
    });
    expect(res.status).toBe(200);
    expect(res.body.eventFilters).toEqual([`/restapi/v1.0/account/${accountId}/extension/${user.id}/telephony/sessions`]);
    expect(res.body.disabledFilters).toEqual([expect.objectContaining({ filter: `/restapi/v1.0/account/${accountId}/telephony/sessions` })]);
  });

  it('lists only the subscriptions of this user', async () => {
    const user = sim.account(accountId).extensions.filter((e) => e.type === 'User')[2];
    const userToken = (await login(sim, accountId, user.id)).access_token;
    const list = await api(sim, userToken, 'GET', '/restapi/v1.0/subscription');
    expect(list.body.records).toEqual([]);
    const adminSub = sim.subscriptions(accountId).find((s) => !s.deleted && !s.expired)!;
    expect((await api(sim, userToken, 'GET', `/restapi/v1.0/subscription/${adminSub.id}`)).status).toBe(404);
  });

  it('limits subscriptions per user with SUB-505', async () => {
    const small = await startRingCentralSim({ maxSubscriptionsPerUser: 1 });
    try {
      const acc = small.addAccount().id;
      const t = (await login(small, acc)).access_token;
      expect((await subscribe(small, t, receiver.url)).status).toBe(200);
      const second = await subscribe(small, t, receiver.url);
      expect(second.status).toBe(403);
      expect(second.body.errorCode).toBe('SUB-505');
    } finally {
      await small.close();
    }
  });
});
