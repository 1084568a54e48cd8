import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRingCentralSim, type RingCentralSim } from './index';
import type { SimAccount } from './sim-types';
import { api, login, manualClock } from './testing/sim-client';

const FIXTURES = join(process.cwd(), 'test/fixtures/ringcentral/call-log');
const CUSTOMER = '+14155550177';

describe('RingCentral sim: call log', () => {
  let sim: RingCentralSim;
  let account: SimAccount;
  let token: string;

  beforeAll(async () => {
    sim = await startRingCentralSim({ seed: 99 });
    account = sim.addAccount();
    token = (await login(sim, account.id)).access_token;
  });
  afterAll(() => sim.close());

  it('files one record per call, shaped like the real Detailed record', async () => {
    const agent = account.extensions.find((e) => e.type === 'User' && !e.admin)!;
    const r = await sim.play(account.id, 'inbound-answered', { agentId: agent.id, externalNumber: CUSTOMER, recorded: true });
    const res = await api(sim, token, 'GET', `/restapi/v1.0/account/~/call-log?view=Detailed&telephonySessionId=${r.telephonySessionIds[0]}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-rate-limit-group')).toBe('heavy');
    expect(res.body.records).toHaveLength(1);
    const record = res.body.records[0];
    expect(record).toMatchObject({
      uri: `${sim.url}/restapi/v1.0/account/${account.id}/call-log/${record.id}?view=Detailed`,
      sessionId: r.sessionIds[0],
      telephonySessionId: r.telephonySessionIds[0],
      startTime: r.legs[0].callStartTime,
      type: 'Voice',
      direction: 'Inbound',
      action: 'Phone Call',
      result: 'Accepted',
      reason: 'Accepted',
      from: { phoneNumber: CUSTOMER },
      to: { extensionId: agent.id, extensionNumber: agent.extensionNumber, name: agent.name },
      extension: { id: Number(agent.id) },
      recording: { type: 'Automatic', contentUri: expect.stringContaining(sim.url) },
    });
    expect(record.durationMs).toBe(Date.parse(r.endTime) - Date.parse(r.legs[0].callStartTime));
    expect(record.duration).toBe(Math.round(record.durationMs / 1000));
    expect(record.legs.map((l: { legType: string; master: boolean; extension: { id: number } }) => [l.legType, l.master, l.extension.id])).toEqual([
      ['Accept', true, Number(agent.id)],
      ['PstnToSip', false, Number(agent.id)],
    ]);
    const fixture = JSON.parse(readFileSync(join(FIXTURES, 'record-detailed-inbound-accepted-recorded-legs-accept-and-pstntosip-2023.json'), 'utf8'));
    const optional = ['internalType', 'billing'];
    for (const key of Object.keys(fixture).filter((k) => !optional.includes(k))) expect(record).toHaveProperty(key);
    for (const key of Object.keys(fixture.legs[0])) expect(record.legs[0]).toHaveProperty(key);

    const content = await fetch(record.recording.contentUri, { headers: { Authorization: `Bearer ${token}` } });
    expect(content.status).toBe(200);
  });

  it('leaves legs out of the Simple view and serves single records', async () => {
    const r = await sim.play(account.id, 'missed', { externalNumber: CUSTOMER });
    const list = await api(sim, token, 'GET', `/restapi/v1.0/account/~/call-log?telephonySessionId=${r.telephonySessionIds[0]}`);
    expect(list.body.records[0].legs).toBeUndefined();
    expect(list.body.records[0]).toMatchObject({ result: 'Missed', direction: 'Inbound' });
    const one = await api(sim, token, 'GET', `/restapi/v1.0/account/~/call-log/${r.callLogRecordIds[0]}?view=Detailed`);
    expect(one.body.id).toBe(r.callLogRecordIds[0]);
    expect(one.body.legs).toHaveLength(1);
  });

  it('filters by direction, sessionId and extension', async () => {
    const [a, b] = account.extensions.filter((e) => e.type === 'User');
    const out = await sim.play(account.id, 'outbound-answered', { agentId: a.id });
    await sim.play(account.id, 'inbound-answered', { agentId: b.id });
    const outbound = await api(sim, token, 'GET', '/restapi/v1.0/account/~/call-log?direction=Outbound&perPage=1000');
    expect(outbound.body.records.length).toBeGreaterThan(0);
    expect(outbound.body.records.every((c: { direction: string }) => c.direction === 'Outbound')).toBe(true);
    const bySession = await api(sim, token, 'GET', `/restapi/v1.0/account/~/call-log?sessionId=${out.sessionIds[0]}`);
    expect(bySession.body.records.map((c: { id: string }) => c.id)).toEqual(out.callLogRecordIds);

    const forB = await api(sim, token, 'GET', `/restapi/v1.0/account/~/extension/${b.id}/call-log?view=Detailed&perPage=1000`);
    expect(forB.body.records.length).toBeGreaterThan(0);
    for (const c of forB.body.records) {
      expect(c.legs.some((l: { extension: { id: number } }) => l.extension.id === Number(b.id))).toBe(true);
    }
  });

  it('lists the queue and the winning agent in legs, not the agents who lost the race', async () => {
    const users = account.extensions.filter((e) => e.type === 'User');
    const queue = account.extensions.find((e) => e.type === 'Department')!;
    const r = await sim.play(account.id, 'queue', { agentIds: [users[0].id, users[1].id], answeringAgentId: users[1].id });
    const one = await api(sim, token, 'GET', `/restapi/v1.0/account/~/call-log/${r.callLogRecordIds[0]}?view=Detailed`);
    expect(one.body.legs.map((l: { extension: { id: number } }) => l.extension.id)).toEqual([Number(queue.id), Number(users[1].id)]);
    expect(one.body.extension.id).toBe(Number(users[1].id));
  });

  it('pages with perPage and navigation.nextPage', async () => {
    const fresh = sim.addAccount();
    const t = (await login(sim, fresh.id)).access_token;
    await sim.playRandom(fresh.id, 5, { rate: 200, mix: { 'inbound-answered': 1, 'outbound-answered': 1 } });
    const ids: string[] = [];
    let url: string | undefined = '/restapi/v1.0/account/~/call-log?perPage=2';
    let pages = 0;
    while (url) {
      const page: { body: any } = await api(sim, t, 'GET', url);
      ids.push(...page.body.records.map((c: { id: string }) => c.id));
      expect(page.body.paging).toMatchObject({ page: ++pages, perPage: 2 });
      url = page.body.navigation.nextPage?.uri;
    }
    expect(pages).toBe(3);
    expect(new Set(ids).size).toBe(5);
    expect(ids.sort()).toEqual(sim.callLogRecords(fresh.id).map((c) => c.id).sort());
  });

  it('requires admin rights for the company call log but lets a user read their own', async () => {
    const user = account.extensions.find((e) => e.type === 'User' && !e.admin)!;
    const userToken = (await login(sim, account.id, user.id)).access_token;
    expect((await api(sim, userToken, 'GET', '/restapi/v1.0/account/~/call-log')).status).toBe(403);
    expect((await api(sim, userToken, 'GET', '/restapi/v1.0/account/~/extension/~/call-log')).status).toBe(200);
  });

  it('rejects an invalid view or date', async () => {
    expect((await api(sim, token, 'GET', '/restapi/v1.0/account/~/call-log?view=Full')).status).toBe(400);
    expect((await api(sim, token, 'GET', '/restapi/v1.0/account/~/call-log?dateFrom=yesterday')).status).toBe(400);
  });
});

describe('RingCentral sim: call-log eventual consistency', () => {
  const clock = manualClock();
  let sim: RingCentralSim;
  let account: SimAccount;
  let token: string;
  const find = async (tsid: string, query = '') =>
    (await api(sim, token, 'GET', `/restapi/v1.0/account/~/call-log?telephonySessionId=${tsid}${query}`)).body.records;

  beforeAll(async () => {
    sim = await startRingCentralSim({ clock, callLogDelayMs: 20_000, accessTokenTtlSeconds: 30 * 24 * 3600 });
    account = sim.addAccount();
    token = (await login(sim, account.id)).access_token;
  });
  afterAll(() => sim.close());

  it('shows a record only callLogDelayMs after the call ended', async () => {
    const r = await sim.play(account.id, 'inbound-answered');
    const end = Date.parse(r.endTime);
    clock.set(end + 19_000);
    expect(await find(r.telephonySessionIds[0])).toHaveLength(0);
    clock.set(end + 20_000);
    expect(await find(r.telephonySessionIds[0])).toHaveLength(1);
  });

  it('defaults dateFrom to dateTo minus 24 hours', async () => {
    const r = await sim.play(account.id, 'outbound-answered');
    clock.set(Date.parse(r.endTime) + 25 * 3600_000);
    expect(await find(r.telephonySessionIds[0])).toHaveLength(0);
    const from = new Date(Date.parse(r.legs[0].callStartTime) - 60_000).toISOString();
    expect(await find(r.telephonySessionIds[0], `&dateFrom=${from}`)).toHaveLength(1);
    const to = new Date(Date.parse(r.legs[0].callStartTime) - 1).toISOString();
    expect(await find(r.telephonySessionIds[0], `&dateFrom=${from}&dateTo=${to}`)).toHaveLength(0);
  });

  it('can show "In Progress" first and attach the recording later', async () => {
    sim.setKnobs({ callLogInProgress: true, recordingDelayMs: 30_000 });
    const r = await sim.play(account.id, 'inbound-answered', { recorded: true });
    const end = Date.parse(r.endTime);
    clock.set(end);
    const [early] = await find(r.telephonySessionIds[0]);
    expect(early.result).toBe('In Progress');
    expect(early.duration).toBeUndefined();
    clock.set(end + 20_000);
    const [final] = await find(r.telephonySessionIds[0]);
    expect(final.result).toBe('Accepted');
    expect(final.recording).toBeUndefined();
    clock.set(end + 50_000);
    const [withRecording] = await find(r.telephonySessionIds[0]);
    expect(withRecording.recording).toBeDefined();
  });

  it('files a duration longer than the events show and changes a record once after it first appears', async () => {
    sim.setKnobs({ callLogInProgress: false, recordingDelayMs: 0, recordDurationExtraSeconds: 3, callLogChangeDelayMs: 10_000 });
    const r = await sim.play(account.id, 'inbound-ivr', { recorded: true });
    const end = Date.parse(r.endTime);
    clock.set(end + 20_000);
    const [first] = await find(r.telephonySessionIds[0], '&view=Detailed');
    const eventsSeconds = Math.round((end - Date.parse(r.legs[0].callStartTime)) / 1000);
    expect(first.duration).toBe(eventsSeconds + 3);
    expect(first.legs).toHaveLength(1);
    expect(first.recording).toMatchObject({ id: expect.any(String), type: 'Automatic', contentUri: expect.stringContaining('/content') });
    clock.set(end + 31_000);
    const [changed] = await find(r.telephonySessionIds[0], '&view=Detailed');
    expect(changed.legs!.length).toBeGreaterThan(1);
    expect(Date.parse(changed.lastModifiedTime!)).toBeGreaterThan(Date.parse(first.lastModifiedTime!));
    sim.setKnobs({ recordDurationExtraSeconds: 0, callLogChangeDelayMs: 0 });
  });
});
