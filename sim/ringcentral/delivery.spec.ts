import { startRingCentralSim, type RingCentralSim } from './index';
import { api, login, subscribe } from './testing/sim-client';
import { startWebhookReceiver, type WebhookReceiver } from './testing/webhook-receiver';

/** Webhook delivery: headers, envelope, failure policy and the delivery knobs. */
describe('RingCentral sim: webhook delivery', () => {
  let sim: RingCentralSim;
  let receiver: WebhookReceiver;
  let accountId: string;
  let token: string;
  let subscriptionId: string;

  beforeEach(async () => {
    sim = await startRingCentralSim({ seed: 42, webhookFailureThreshold: 3 });
    receiver = await startWebhookReceiver();
    accountId = sim.addAccount().id;
    token = (await login(sim, accountId)).access_token;
    subscriptionId = (await subscribe(sim, token, receiver.url, { verificationToken: 'vt-123' })).body.id;
  });
  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });

  it('POSTs JSON envelopes with the RingCentral headers and the verification token', async () => {
    const admin = sim.account(accountId).extensions.find((e) => e.admin)!;
    const result = await sim.play(accountId, 'inbound-answered', { externalNumber: '+14155550100' });
    expect(receiver.requests).toHaveLength(result.events.length);
    for (const req of receiver.requests) {
      expect(req.headers['content-type']).toBe('application/json; charset=UTF-8');
      expect(req.headers['user-agent']).toBe('RingCentral-Webhook/8.3');
      expect(req.headers['verification-token']).toBe('vt-123');
    }
    const [first] = receiver.notifications();
    expect(Object.keys(first)).toEqual(['uuid', 'event', 'timestamp', 'subscriptionId', 'ownerId', 'body']);
    expect(first.uuid).toMatch(/^\d{19}$/);
    expect(first.subscriptionId).toBe(subscriptionId);
    expect(first.ownerId).toBe(admin.id);
    const lag = Date.parse(first.timestamp) - Date.parse(first.body.eventTime);
    expect(lag).toBeGreaterThanOrEqual(14);
    expect(lag).toBeLessThanOrEqual(113);
    expect(sim.stats().deliveries).toMatchObject({ attempted: result.events.length, succeeded: result.events.length, failed: 0 });
  });

  it('omits the Verification-Token header when none was registered', async () => {
    const plain = await startWebhookReceiver();
    try {
      await api(sim, token, 'DELETE', `/restapi/v1.0/subscription/${subscriptionId}`);
      await subscribe(sim, token, plain.url);
      await sim.play(accountId, 'missed');
      expect(plain.requests.length).toBeGreaterThan(0);
      expect(plain.requests.every((r) => r.headers['verification-token'] === undefined)).toBe(true);
    } finally {
      await plain.close();
    }
  });

  it('blacklists the subscription after consecutive failures and stops delivering', async () => {
    receiver.behaviour.status = 503;
    const first = await sim.play(accountId, 'inbound-answered');
    expect(first.events.length).toBeGreaterThan(3);
    // Three failures reach the threshold; nothing more is attempted afterwards.
    expect(receiver.requests).toHaveLength(3);
    const read = await api(sim, token, 'GET', `/restapi/v1.0/subscription/${subscriptionId}`);
    expect(read.body.status).toBe('Blacklisted');
    expect(read.body.blacklistedData).toEqual({
      reason: 'Webhook responses with code: [503], reason: [Service Unavailable]',
      blacklistedAt: expect.any(String),
    });
    receiver.behaviour.status = 200;
    await sim.play(accountId, 'outbound-answered');
    expect(receiver.requests).toHaveLength(3);
    expect(sim.stats().deliveries.skipped).toBeGreaterThan(0);
  });

  it('resets the failure count after a success', async () => {
    // Two failures, one success, repeated: never three failures in a row.
    receiver.behaviour.status = (i) => (i % 3 === 2 ? 200 : 500);
    const result = await sim.play(accountId, 'inbound-answered');
    const sub = sim.subscriptions().find((s) => s.id === subscriptionId)!;
    expect(receiver.requests).toHaveLength(result.events.length);
    expect(sub.status).toBe('Active');
    expect(sub.failed).toBeGreaterThanOrEqual(4);
  });

  it('blacklists with "Read timed out" when the receiver is too slow', async () => {
    sim.setKnobs({ webhookTimeoutMs: 100, webhookFailureThreshold: 1 });
    receiver.behaviour.delayMs = 300;
    await sim.play(accountId, 'missed');
    const sub = sim.subscriptions().find((s) => s.id === subscriptionId)!;
    expect(sub.status).toBe('Blacklisted');
    expect(sub.blacklistedData?.reason).toBe('I/O operation is failed. Details: [Read timed out]');
  });

  it('stops delivering silently to an expired subscription', async () => {
    sim.expire(subscriptionId);
    const result = await sim.play(accountId, 'inbound-answered');
    expect(result.delivered).toHaveLength(0);
    expect(receiver.requests).toHaveLength(0);
  });

  it('delivers every notification twice with the same uuid at duplicateRate 1', async () => {
    sim.setKnobs({ duplicateRate: 1 });
    const result = await sim.play(accountId, 'outbound-answered');
    const uuids = receiver.notifications().map((n) => n.uuid);
    expect(uuids).toHaveLength(result.events.length * 2);
    expect(new Set(uuids).size).toBe(result.events.length);
    expect(sim.stats().deliveries.duplicated).toBe(result.events.length);
  });

  it('drops notifications at dropRate 1 and reports them', async () => {
    sim.setKnobs({ dropRate: 1 });
    const result = await sim.play(accountId, 'inbound-answered');
    expect(receiver.requests).toHaveLength(0);
    expect(result.dropped).toHaveLength(result.events.length);
    expect(sim.stats().deliveries.dropped).toBe(result.events.length);
  });

  it('drops whole calls at dropCallRate 1: nothing of the call arrives, its record is still filed', async () => {
    sim.setKnobs({ dropCallRate: 1 });
    const result = await sim.play(accountId, 'inbound-answered');
    expect(receiver.requests).toHaveLength(0);
    expect(result.dropped).toHaveLength(result.events.length);
    expect(result.callLogRecordIds).toHaveLength(1);
  });

  it('shuffles the order within a session but delivers every sequence once', async () => {
    sim.setKnobs({ shuffle: true });
    const result = await sim.play(accountId, 'inbound-ivr', { hold: true });
    const sequences = receiver.notifications().map((n) => n.body.sequence);
    expect([...sequences].sort((a, b) => a - b)).toEqual(result.events.map((e) => e.sequence));
    expect(sequences).not.toEqual(result.events.map((e) => e.sequence));
  });

  it('honours extension-level and statusCode filters', async () => {
    const agent = sim.account(accountId).extensions.find((e) => e.type === 'User' && !e.admin)!;
    const other = await startWebhookReceiver();
    try {
      await subscribe(sim, token, other.url, {
        eventFilters: [`/restapi/v1.0/account/~/extension/${agent.id}/telephony/sessions?statusCode=Disconnected`],
      });
      await sim.play(accountId, 'inbound-answered', { agentId: agent.id });
      await sim.play(accountId, 'inbound-answered', { agentId: sim.account(accountId).extensions.find((e) => e.admin)!.id });
      const got = other.notifications();
      expect(got).toHaveLength(1);
      expect(got[0].body.parties[0]).toMatchObject({ extensionId: agent.id, status: { code: 'Disconnected' } });
      expect(got[0].event).toBe(`/restapi/v1.0/account/${accountId}/extension/${agent.id}/telephony/sessions`);
    } finally {
      await other.close();
    }
  });

  it('adds sipData only when the filter asks for it', async () => {
    const other = await startWebhookReceiver();
    try {
      await subscribe(sim, token, other.url, { eventFilters: ['/restapi/v1.0/account/~/telephony/sessions?sipData=true'] });
      await sim.play(accountId, 'missed');
      expect(other.notifications().every((n) => n.body.parties[0].sipData?.callId)).toBe(true);
      expect(receiver.notifications().some((n) => n.body.parties[0].sipData)).toBe(false);
    } finally {
      await other.close();
    }
  });
});
