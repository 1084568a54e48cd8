import { startRingCentralSim, type RingCentralSim } from './index';
import type { NotificationEnvelope, PlayResult, ScenarioName, SimAccount, TelephonyParty, TelephonySessionEventBody } from './sim-types';
import { login, subscribe } from './testing/sim-client';
import { startWebhookReceiver, type WebhookReceiver } from './testing/webhook-receiver';

/** Each scenario's notification stream obeys the rules of docs/ringcentral.md §3 and matches its expected outcome. */

const CUSTOMER = '+14155550123';

function partyEvents(result: PlayResult, partyId: string): TelephonySessionEventBody[] {
  return result.events.filter((e) => e.parties[0].id === partyId);
}

function codes(result: PlayResult, partyId: string): string[] {
  return partyEvents(result, partyId).map((e) => e.parties[0].status.code + (e.parties[0].status.reason ? `/${e.parties[0].status.reason}` : ''));
}

function parties(result: PlayResult, sessionIndex = 0): TelephonyParty[] {
  const tsid = result.telephonySessionIds[sessionIndex];
  const seen = new Map<string, TelephonyParty>();
  for (const e of result.events) if (e.telephonySessionId === tsid) seen.set(e.parties[0].id, e.parties[0]);
  return [...seen.values()];
}

/** Rules every scenario must follow. */
function checkInvariants(result: PlayResult, account: SimAccount, delivered: NotificationEnvelope[], window: { before: number; after: number }): void {
  const ext = (id: string) => account.extensions.find((e) => e.id === id);
  for (const e of result.events) {
    expect(e.parties).toHaveLength(1);
    const p = e.parties[0];
    expect(p.accountId).toBe(account.id);
    expect(p.id.startsWith(`p-${e.telephonySessionId.slice(2)}-`)).toBe(true);
    if (p.extensionId) expect(ext(p.extensionId)).toBeDefined();
    else {
      // PSTN parties: no extensionId, and at least one side is an E.164 number.
      expect([p.from.phoneNumber, p.to.phoneNumber].some((n) => /^\+\d{10,15}$/.test(n))).toBe(true);
    }
  }
  for (const tsid of result.telephonySessionIds) {
    const seqs = result.events.filter((e) => e.telephonySessionId === tsid).map((e) => e.sequence);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 2));
  }
  const times = result.events.map((e) => Date.parse(e.eventTime));
  expect(times).toEqual([...times].sort((a, b) => a - b));
  // The timeline is laid out in the past: the call ends about when its last notification goes out.
  expect(Date.parse(result.endTime)).toBeGreaterThanOrEqual(window.before);
  expect(Date.parse(result.endTime)).toBeLessThanOrEqual(window.after + 1000);

  // Sessions are delivered concurrently; within one session the order is the sequence order.
  expect(delivered).toHaveLength(result.events.length);
  for (const tsid of result.telephonySessionIds) {
    const mine = (bodies: TelephonySessionEventBody[]) => bodies.filter((b) => b.telephonySessionId === tsid);
    expect(mine(delivered.map((n) => n.body))).toEqual(mine(result.events));
  }
  expect(new Set(delivered.map((n) => n.uuid)).size).toBe(delivered.length);
  for (const n of delivered) {
    const p = n.body.parties[0];
    expect(n.event).toBe(p.extensionId ? `/restapi/v1.0/account/${account.id}/extension/${p.extensionId}/telephony/sessions` : `/restapi/v1.0/account/${account.id}/telephony/sessions`);
  }

  for (const leg of result.legs) {
    const evs = partyEvents(result, leg.partyId);
    expect(evs.length).toBeGreaterThan(0);
    expect(ext(leg.extensionId)?.type).toBe('User');
    expect(evs.every((e) => e.parties[0].extensionId === leg.extensionId)).toBe(true);
    expect(evs.at(-1)!.parties[0].status.code).toBe('Disconnected');
    expect(leg.startTime).toBe(evs[0].eventTime);
    expect(leg.endTime).toBe(evs.at(-1)!.eventTime);
    expect(Date.parse(leg.callStartTime)).toBeLessThanOrEqual(Date.parse(leg.startTime));
    if (leg.kind === 'answered' || leg.kind === 'transferred') {
      expect(leg.answerTime).toBeDefined();
      expect(Date.parse(leg.answerTime!)).toBeGreaterThanOrEqual(Date.parse(leg.startTime));
      expect(Date.parse(leg.endTime) - Date.parse(leg.answerTime!)).toBeGreaterThanOrEqual(5000);
    } else {
      expect(leg.answerTime).toBeUndefined();
      expect(evs.some((e) => e.parties[0].status.code === 'Answered')).toBe(false);
    }
  }
  for (const none of result.noLeg) {
    expect(partyEvents(result, none.partyId).length).toBeGreaterThan(0);
    expect(result.legs.some((l) => l.partyId === none.partyId)).toBe(false);
  }
  expect(result.callLogRecordIds.length).toBe(result.telephonySessionIds.length);
}

describe('RingCentral sim: call scenarios', () => {
  let sim: RingCentralSim;
  let receiver: WebhookReceiver;
  let account: SimAccount;
  let users: SimAccount['extensions'];

  beforeAll(async () => {
    sim = await startRingCentralSim({ seed: 1234 });
    receiver = await startWebhookReceiver();
    account = sim.addAccount({ users: 4 });
    users = account.extensions.filter((e) => e.type === 'User');
    const token = (await login(sim, account.id)).access_token;
    expect((await subscribe(sim, token, receiver.url)).status).toBe(200);
  });
  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });

  async function play(scenario: ScenarioName, opts: Parameters<RingCentralSim['play']>[2] = {}): Promise<PlayResult> {
    const already = receiver.requests.length;
    const before = Date.now();
    const result = await sim.play(account.id, scenario, { externalNumber: CUSTOMER, ...opts });
    const after = Date.now();
    const delivered = receiver.notifications().slice(already);
    checkInvariants(result, account, delivered, { before, after });
    return result;
  }

  it('inbound-answered: PSTN caller Outbound, user Inbound, PSTN party disconnects last', async () => {
    const r = await play('inbound-answered', { agentId: users[1].id, hold: true });
    const [pstn, agent] = parties(r);
    expect(pstn).toMatchObject({ direction: 'Outbound', from: { phoneNumber: CUSTOMER } });
    expect(pstn.extensionId).toBeUndefined();
    expect(agent).toMatchObject({ direction: 'Inbound', extensionId: users[1].id });
    expect(codes(r, agent.id)).toEqual(['Setup', 'Proceeding', 'Answered', 'Hold', 'Answered', 'Disconnected']);
    expect(r.events.at(-1)!.parties[0].id).toBe(pstn.id);
    expect(r.legs).toEqual([expect.objectContaining({ extensionId: users[1].id, direction: 'Inbound', otherPartyNumber: CUSTOMER, internal: false, kind: 'answered', result: 'Accepted' })]);
    expect(r.noLeg).toEqual([]);
  });

  it('inbound-ivr: the IVR party disconnects when the user party appears, and produces no leg', async () => {
    const r = await play('inbound-ivr', { agentId: users[2].id });
    const [pstn, menu, agent] = parties(r);
    const ivr = account.extensions.find((e) => e.type === 'IvrMenu')!;
    expect(menu).toMatchObject({ extensionId: ivr.id, direction: 'Inbound', to: { phoneNumber: account.mainNumber, extensionId: ivr.id } });
    expect(codes(r, menu.id)).toEqual(['Setup', 'Disconnected']);
    expect(codes(r, pstn.id)).toEqual(['Setup', 'Answered', 'Disconnected']);
    // The PSTN party is "Answered" when the IVR picks up, long before the user answers.
    const pstnAnswered = partyEvents(r, pstn.id)[1].eventTime;
    expect(Date.parse(pstnAnswered)).toBeLessThan(Date.parse(r.legs[0].answerTime!));
    expect(partyEvents(r, menu.id)[1].eventTime).toBe(partyEvents(r, agent.id)[0].eventTime);
    expect(pstn.to).toMatchObject({ extensionId: ivr.id });
    expect(r.noLeg).toEqual([expect.objectContaining({ partyId: menu.id, extensionType: 'IvrMenu', reason: 'ivr' })]);
    expect(r.legs).toEqual([expect.objectContaining({ extensionId: users[2].id, kind: 'answered' })]);
  });

  it('outbound-answered: user party Outbound, PSTN callee Inbound without Setup', async () => {
    const r = await play('outbound-answered', { agentId: users[0].id });
    const [agent, pstn] = parties(r);
    expect(agent).toMatchObject({ direction: 'Outbound', extensionId: users[0].id, to: { phoneNumber: CUSTOMER } });
    expect(pstn).toMatchObject({ direction: 'Inbound', to: { phoneNumber: CUSTOMER } });
    expect(pstn.extensionId).toBeUndefined();
    expect(codes(r, pstn.id)).toEqual(['Proceeding', 'Answered', 'Disconnected']);
    expect(r.legs).toEqual([expect.objectContaining({ direction: 'Outbound', otherPartyNumber: CUSTOMER, kind: 'answered', result: 'Call connected' })]);
  });

  it('outbound-unanswered: nobody answers', async () => {
    const r = await play('outbound-unanswered');
    expect(r.events.some((e) => e.parties[0].status.code === 'Answered')).toBe(false);
    expect(r.legs).toEqual([expect.objectContaining({ direction: 'Outbound', kind: 'unanswered', result: 'No Answer' })]);
  });

  it('missed: the user party rings and ends Disconnected with missedCall true', async () => {
    const r = await play('missed', { agentId: users[3].id });
    const agent = parties(r).find((p) => p.extensionId)!;
    expect(codes(r, agent.id)).toEqual(['Setup', 'Proceeding', 'Disconnected']);
    expect(partyEvents(r, agent.id).at(-1)!.parties[0].missedCall).toBe(true);
    expect(partyEvents(r, agent.id).slice(0, -1).every((e) => e.parties[0].missedCall === false)).toBe(true);
    expect(r.legs).toEqual([expect.objectContaining({ kind: 'missed', result: 'Missed', direction: 'Inbound', otherPartyNumber: CUSTOMER })]);
  });

  it('voicemail: status Voicemail then Disconnected; the call log has a VoiceMail message', async () => {
    const r = await play('voicemail');
    const agent = parties(r).find((p) => p.extensionId)!;
    expect(codes(r, agent.id)).toEqual(['Setup', 'Proceeding', 'Voicemail', 'Disconnected']);
    expect(r.legs).toEqual([expect.objectContaining({ kind: 'voicemail', result: 'Voicemail' })]);
    const record = sim.callLogRecords(account.id).find((c) => c.id === r.callLogRecordIds[0])!;
    expect(record).toMatchObject({ result: 'Voicemail', message: { type: 'VoiceMail', id: expect.any(String) } });

    const spec = await play('voicemail', { voicemailStatus: 'VoiceMail' });
    expect(spec.events.some((e) => e.parties[0].status.code === 'VoiceMail')).toBe(true);
  });

  it('internal: extension numbers as phone numbers; the caller is Answered before the callee rings', async () => {
    const r = await play('internal', { agentId: users[0].id, otherAgentId: users[1].id });
    const [caller, callee] = parties(r);
    expect(caller).toMatchObject({ direction: 'Outbound', extensionId: users[0].id, from: { phoneNumber: users[0].extensionNumber }, to: { phoneNumber: users[1].extensionNumber } });
    expect(callee).toMatchObject({ direction: 'Inbound', extensionId: users[1].id });
    const callerAnswered = partyEvents(r, caller.id).find((e) => e.parties[0].status.code === 'Answered')!;
    expect(callerAnswered.sequence).toBeLessThan(partyEvents(r, callee.id)[0].sequence);
    expect(r.legs).toEqual([
      expect.objectContaining({ extensionId: users[0].id, direction: 'Outbound', otherPartyNumber: users[1].extensionNumber, internal: true, result: 'Call connected' }),
      expect.objectContaining({ extensionId: users[1].id, direction: 'Inbound', otherPartyNumber: users[0].extensionNumber, internal: true, result: 'Accepted' }),
    ]);
    // The caller's leg is answered when the callee picked up, not at its own early "Answered".
    expect(r.legs[0].answerTime).toBe(r.legs[1].answerTime);
  });

  it('blind-transfer: A ends with BlindTransfer and B gets a new party in the same session', async () => {
    const r = await play('blind-transfer', { agentId: users[0].id, otherAgentId: users[2].id });
    expect(r.telephonySessionIds).toHaveLength(1);
    const [, a, b] = parties(r);
    expect(codes(r, a.id)).toEqual(['Setup', 'Proceeding', 'Answered', 'Disconnected/BlindTransfer']);
    expect(codes(r, b.id)).toEqual(['Setup', 'Proceeding', 'Answered', 'Disconnected']);
    expect(b).toMatchObject({ extensionId: users[2].id, direction: 'Inbound', from: { phoneNumber: CUSTOMER } });
    expect(r.legs.map((l) => [l.extensionId, l.kind])).toEqual([[users[0].id, 'transferred'], [users[2].id, 'answered']]);
  });

  it('warm-transfer: consult session, AttendedTransfer, B moves into the customer session via Gone + peerId', async () => {
    const r = await play('warm-transfer', { agentId: users[1].id, otherAgentId: users[3].id });
    expect(r.telephonySessionIds).toHaveLength(2);
    const [, a, bFinal] = parties(r, 0);
    const [aConsult, bConsult] = parties(r, 1);
    expect(codes(r, a.id)).toEqual(['Setup', 'Proceeding', 'Answered', 'Hold', 'Disconnected/AttendedTransfer']);
    expect(codes(r, aConsult.id)).toEqual(['Setup', 'Answered', 'Disconnected/AttendedTransfer']);
    expect(codes(r, bConsult.id)).toEqual(['Setup', 'Proceeding', 'Answered', 'Gone/AttendedTransfer']);
    const gone = partyEvents(r, bConsult.id).at(-1)!.parties[0];
    expect(gone.status.peerId).toEqual({ sessionId: r.sessionIds[0], telephonySessionId: r.telephonySessionIds[0], partyId: bFinal.id });
    expect(codes(r, bFinal.id)).toEqual(['Answered', 'Disconnected']);
    expect(r.legs.map((l) => [l.telephonySessionId, l.extensionId, l.kind])).toEqual([
      [r.telephonySessionIds[0], users[1].id, 'transferred'],
      [r.telephonySessionIds[1], users[1].id, 'transferred'],
      [r.telephonySessionIds[0], users[3].id, 'answered'],
    ]);
    expect(r.noLeg).toEqual([expect.objectContaining({ partyId: bConsult.id, reason: 'gone' })]);
  });

  it('queue: agents start at Proceeding with queueCall, one answers, the others and the queue drop out', async () => {
    const queue = account.extensions.find((e) => e.type === 'Department')!;
    const rung = [users[0].id, users[1].id, users[2].id];
    const r = await play('queue', { agentIds: rung, answeringAgentId: users[1].id, externalName: 'Jane Roe' });
    const all = parties(r);
    const queueParty = all.find((p) => p.extensionId === queue.id)!;
    const agentParties = all.filter((p) => p.queueCall);
    expect(agentParties.map((p) => p.extensionId)).toEqual(rung);
    for (const p of agentParties) {
      expect(codes(r, p.id)[0]).toBe('Proceeding');
      expect(p).toMatchObject({ to: { extensionId: queue.id, name: queue.name }, from: { name: `${queue.name} - Jane Roe` }, uiCallInfo: { primary: { type: 'QueueName', value: queue.name } } });
    }
    const winner = agentParties.find((p) => p.extensionId === users[1].id)!;
    expect(codes(r, winner.id)).toEqual(['Proceeding', 'Answered', 'Disconnected']);
    for (const loser of agentParties.filter((p) => p !== winner)) {
      expect(codes(r, loser.id)).toEqual(['Proceeding', 'Disconnected/AgentAnswered']);
      expect(partyEvents(r, loser.id).at(-1)!.parties[0].missedCall).toBe(false);
    }
    expect(codes(r, queueParty.id)).toEqual(['Setup', 'Disconnected']);
    expect(r.legs).toEqual([expect.objectContaining({ extensionId: users[1].id, kind: 'answered', otherPartyNumber: CUSTOMER })]);
    expect(r.noLeg.map((n) => [n.extensionId, n.reason])).toEqual([
      [queue.id, 'queue'],
      [users[0].id, 'lost-queue-race'],
      [users[2].id, 'lost-queue-race'],
    ]);
  });

  it('conference: a Conference session; the original parties go Gone with peerId into it', async () => {
    const r = await play('conference', { agentId: users[0].id, otherAgentId: users[1].id });
    expect(r.events.filter((e) => e.telephonySessionId === r.telephonySessionIds[1]).every((e) => e.origin.type === 'Conference')).toBe(true);
    const [pstn, a] = parties(r, 0);
    expect(codes(r, a.id).at(-1)).toBe('Gone');
    expect(codes(r, pstn.id).at(-1)).toBe('Gone');
    const peer = partyEvents(r, a.id).at(-1)!.parties[0].status.peerId!;
    expect(peer.telephonySessionId).toBe(r.telephonySessionIds[1]);
    const host = parties(r, 1).find((p) => p.id === peer.partyId)!;
    expect(host).toMatchObject({ extensionId: users[0].id, conferenceRole: 'Host' });
    expect(r.legs.map((l) => [l.telephonySessionId, l.extensionId, l.otherPartyNumber])).toEqual([
      [r.telephonySessionIds[1], users[0].id, CUSTOMER],
      [r.telephonySessionIds[1], users[1].id, users[0].extensionNumber],
    ]);
    expect(r.noLeg).toEqual([expect.objectContaining({ partyId: a.id, reason: 'gone' })]);
  });

  it('recorded calls carry recordings on the answered party and in the call log', async () => {
    const r = await play('inbound-answered', { recorded: true });
    const answered = r.events.find((e) => e.parties[0].extensionId && e.parties[0].status.code === 'Answered')!;
    expect(answered.parties[0].recordings).toEqual([{ id: expect.any(String), active: true }]);
    expect(r.legs[0].recorded).toBe(true);
    const record = sim.callLogRecords(account.id).find((c) => c.id === r.callLogRecordIds[0])!;
    expect(record.recording).toMatchObject({ id: answered.parties[0].recordings![0].id, type: 'Automatic' });
  });

  it('plays a random mix at a rate and resolves once everything is delivered', async () => {
    const already = receiver.requests.length;
    const results = await sim.playRandom(account.id, 12, { rate: 100, externalNumbers: ['+14155550001', '+14155550002'] });
    expect(results).toHaveLength(12);
    const total = results.reduce((n, r) => n + r.delivered.length, 0);
    expect(receiver.requests.length - already).toBe(total);
    expect(new Set(results.map((r) => r.scenario)).size).toBeGreaterThan(2);
    for (const r of results) {
      for (const leg of r.legs.filter((l) => !l.internal)) expect(['+14155550001', '+14155550002']).toContain(leg.otherPartyNumber);
    }
  });
});
