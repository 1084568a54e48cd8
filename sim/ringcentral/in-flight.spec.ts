import { startRingCentralSim, type DeliveryRecord, type RingCentralSim } from './index';
import { api, login, subscribe } from './testing/sim-client';
import { startWebhookReceiver, type WebhookReceiver } from './testing/webhook-receiver';

/** What the benchmark needs from the simulator: calls left in progress, and when each notification was delivered. */
describe('RingCentral sim: calls left open and delivery observers', () => {
  let sim: RingCentralSim;
  let receiver: WebhookReceiver;
  let accountId: string;

  beforeEach(async () => {
    sim = await startRingCentralSim({ seed: 7, defaultPaceMs: 1 });
    receiver = await startWebhookReceiver();
    accountId = sim.addAccount({ users: 2, queues: 1 }).id;
    const token = (await login(sim, accountId)).access_token;
    await subscribe(sim, token, receiver.url, { verificationToken: 'vt' });
  });
  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });

  it('leaveOpen delivers a call up to (not including) the first party that ends, with no legs and no record', async () => {
    const full = await sim.play(accountId, 'inbound-answered');
    const open = await sim.play(accountId, 'inbound-answered', { leaveOpen: true });
    const ended = (codes: string[]) => codes.some((c) => c === 'Disconnected' || c === 'Gone');
    expect(ended(full.events.map((e) => e.parties[0].status.code))).toBe(true);
    expect(open.events.length).toBeGreaterThan(0);
    expect(open.events.length).toBeLessThan(full.events.length);
    expect(ended(open.events.map((e) => e.parties[0].status.code))).toBe(false);
    expect(open.events.map((e) => e.parties[0].status.code)).toContain('Answered');
    expect(open.delivered).toHaveLength(open.events.length);
    expect(open.legs).toEqual([]);
    expect(open.noLeg).toEqual([]);
    expect(open.callLogRecordIds).toEqual([]);
    expect(sim.callLogRecords(accountId).map((r) => r.telephonySessionId)).not.toContain(open.telephonySessionIds[0]);
  });

  it('a long call left open is listed "In Progress" from its start, and endCall files its final record', async () => {
    sim.setKnobs({ callLogInProgress: true, dropCallRate: 1 });
    const before = Date.now();
    const open = await sim.play(accountId, 'inbound-answered', { leaveOpen: true, talkSeconds: 1800 });
    expect(open.delivered).toEqual([]);
    const tsid = open.telephonySessionIds[0];
    const token = (await login(sim, accountId)).access_token;
    const list = async () => (await api(sim, token, 'GET', `/restapi/v1.0/account/~/call-log?view=Detailed&telephonySessionId=${tsid}&dateFrom=${new Date(before - 3600_000).toISOString()}`)).body.records;
    const [going] = await list();
    expect(going.result).toBe('In Progress');
    expect(going.duration).toBeUndefined();
    expect(Date.parse(going.startTime)).toBeLessThan(before - 1800_000);
    expect(sim.callLogRecords(accountId).map((r) => r.telephonySessionId)).not.toContain(tsid);

    const legs = sim.endCall(accountId, tsid);
    expect(legs.map((l) => l.telephonySessionId)).toEqual([tsid]);
    const [final] = await list();
    expect(final.result).toBe('Accepted');
    expect(final.duration).toBeGreaterThanOrEqual(1800);
    expect(final.startTime).toBe(going.startTime);
    expect(() => sim.endCall(accountId, tsid)).toThrow(/no open call/);
  });

  it('leaveOpen passes through playRandom', async () => {
    const plays = await sim.playRandom(accountId, 5, { rate: 1000, mix: { queue: 1, 'outbound-answered': 1 }, leaveOpen: true });
    for (const play of plays) {
      expect(play.legs).toEqual([]);
      expect(play.events.every((e) => e.parties.every((p) => p.status.code !== 'Disconnected' && p.status.code !== 'Gone'))).toBe(true);
    }
    expect(receiver.requests).toHaveLength(plays.reduce((n, p) => n + p.events.length, 0));
  });

  it('onDelivery reports every POST with its envelope and timing, until removed', async () => {
    const seen: DeliveryRecord[] = [];
    const remove = sim.onDelivery((d) => seen.push(d));
    const before = Date.now();
    const result = await sim.play(accountId, 'missed');
    expect(seen.map((d) => d.envelope.uuid)).toEqual(result.delivered.map((e) => e.uuid));
    for (const d of seen) {
      expect(d).toMatchObject({ ok: true, status: 200, duplicate: false });
      expect(d.sentAt).toBeGreaterThanOrEqual(before);
      expect(d.answeredAt).toBeGreaterThanOrEqual(d.sentAt);
    }
    remove();
    await sim.play(accountId, 'missed');
    expect(seen).toHaveLength(result.delivered.length);
  });

  it('onDelivery reports failed POSTs too', async () => {
    receiver.behaviour.status = 503;
    const seen: DeliveryRecord[] = [];
    sim.onDelivery((d) => seen.push(d));
    await sim.play(accountId, 'missed');
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((d) => !d.ok && d.status === 503 && d.reason === 'Webhook responses with code: [503], reason: [Service Unavailable]')).toBe(true);
  });
});
