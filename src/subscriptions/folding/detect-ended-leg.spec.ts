import type { ExtensionKind, TelephonyNotification, TelephonyParty } from '../../ringcentral/types';
import { detectEndedLeg, type DetectEndedLegOptions } from './detect-ended-leg';
import type { EndedLeg } from './ended-leg.types';
import { CallScenario, COMPANY_NUMBER, CUSTOMER_NUMBER, EXT, factory } from '../../../test/factories/telephony-event.factory';

const directory = factory.directory();

/** Folds `notifications` (default: the whole scenario) and asks about one party. */
function detect(
  scenario: CallScenario,
  party: TelephonyParty,
  options?: DetectEndedLegOptions,
  notifications: TelephonyNotification[] = scenario.notifications(),
) {
  const session = factory.foldSession(notifications);
  const state = session.find((p) => p.partyId === party.id);
  if (!state) throw new Error(`no events for ${party.id}`);
  return detectEndedLeg(state, session, directory, options);
}

function leg(scenario: CallScenario, party: TelephonyParty, options?: DetectEndedLegOptions): EndedLeg {
  const result = detect(scenario, party, options);
  if (result === null || 'skip' in result) throw new Error(`expected an ended leg, got ${JSON.stringify(result)}`);
  return result;
}

/** Inbound PSTN call straight to Alice: the PSTN caller's party (Outbound, no extensionId) and Alice's (Inbound). */
function inboundToAlice(options: { aliceQueueCall?: boolean } = {}) {
  const s = factory.callScenario();
  const caller = s.party({ direction: 'Outbound', from: { phoneNumber: CUSTOMER_NUMBER }, to: { phoneNumber: COMPANY_NUMBER } });
  const alice = s.party({
    extensionId: EXT.alice,
    direction: 'Inbound',
    from: { phoneNumber: CUSTOMER_NUMBER, name: 'Jane Customer' },
    to: { phoneNumber: COMPANY_NUMBER, name: 'Alice Agent', extensionId: EXT.alice },
    ...(options.aliceQueueCall ? { queueCall: true } : {}),
  });
  s.event(caller, 'Setup', 0);
  return { s, caller, alice };
}

/** Alice calls a PSTN number: her party is Outbound, the callee's PSTN party Inbound (docs/ringcentral.md §3.3). */
function outboundFromAlice() {
  const s = factory.callScenario();
  const alice = s.party({
    extensionId: EXT.alice,
    direction: 'Outbound',
    from: { phoneNumber: COMPANY_NUMBER, name: 'Alice Agent', extensionId: EXT.alice, deviceId: '8032432004' },
    to: { phoneNumber: CUSTOMER_NUMBER },
  });
  const callee = s.party({ direction: 'Inbound', from: { phoneNumber: COMPANY_NUMBER }, to: { phoneNumber: CUSTOMER_NUMBER } });
  return { s, alice, callee };
}

describe('detectEndedLeg', () => {
  describe('whose legs are logged (docs/ringcentral.md §3.7.4)', () => {
    it('a PSTN/external party (no extensionId) is skipped, even mid-call', () => {
      const { s, caller } = inboundToAlice();
      expect(detect(s, caller)).toEqual({ skip: 'external-party' });
    });

    it.each<ExtensionKind>(['IvrMenu', 'Department', 'ParkLocation', 'Announcement', 'Voicemail', 'SharedLinesGroup', 'Site', 'Limited'])(
      '%s extension party is skipped, naming the kind',
      (kind) => {
        const s = factory.callScenario();
        const p = s.party({ extensionId: '9999', direction: 'Inbound', from: {}, to: {} });
        s.event(p, 'Setup', 0).event(p, 'Disconnected', 3);
        const session = factory.foldSession(s.notifications());
        expect(detectEndedLeg(session[0], session, factory.directory({ '9999': kind }))).toEqual({
          skip: 'not-a-user-extension',
          detail: kind,
        });
      },
    );

    it('an extension the directory does not know is skipped as unknown-extension', () => {
      const s = factory.callScenario();
      const p = s.party({ extensionId: '424242', direction: 'Inbound', from: {}, to: {} });
      s.event(p, 'Setup', 0).event(p, 'Disconnected', 3);
      expect(detect(s, p)).toEqual({ skip: 'unknown-extension' });
    });
  });

  describe('when a user leg ends (docs/ringcentral.md §3.7.1-2)', () => {
    it('not before the party reaches Disconnected or Gone', () => {
      const { s, alice } = inboundToAlice();
      s.event(alice, 'Setup', 1).event(alice, 'Proceeding', 2).event(alice, 'Answered', 5).event(alice, 'Hold', 9);
      expect(detect(s, alice)).toBeNull();
    });

    it('Disconnected with no reason = normal hang-up: answered, talk time excludes Hold (§3.4, §3.7)', () => {
      const { s, caller, alice } = inboundToAlice();
      s.event(alice, 'Setup', 1)
        .event(alice, 'Proceeding', 2)
        .event(alice, 'Answered', 5)
        .event(caller, 'Answered', 5)
        .event(alice, 'Hold', 20)
        .event(alice, 'Answered', 50)
        .event(alice, 'Disconnected', 65);
      expect(leg(s, alice)).toEqual({
        accountId: alice.accountId,
        telephonySessionId: s.telephonySessionId,
        sessionId: '1039811321016',
        partyId: alice.id,
        extensionId: EXT.alice,
        direction: 'Inbound',
        internal: false,
        kind: 'answered',
        otherParty: { phoneNumber: CUSTOMER_NUMBER, name: 'Jane Customer' },
        agentParty: { phoneNumber: COMPANY_NUMBER, name: 'Alice Agent', extensionId: EXT.alice },
        startTime: factory.at(0),
        partyStartTime: factory.at(1),
        answerTime: factory.at(5),
        endTime: factory.at(65),
        talkMs: 30_000, // 5 -> 20 and 50 -> 65; 30 s on hold left out
        talkSeconds: 30,
        result: 'Accepted',
        recorded: false,
        queueCall: false,
      });
    });

    it.each(['Pickup', 'CallSwitch'])(
      'Disconnected with %s = the user carries on elsewhere: not ended while the session is open (§3.4, §3.7.2)',
      (reason) => {
        const { s, alice } = inboundToAlice();
        s.event(alice, 'Setup', 1).event(alice, 'Proceeding', 2).event(alice, 'Answered', 4).event(alice, 'Disconnected', 10, { reason });
        expect(detect(s, alice)).toBeNull();
      },
    );

    it('CallSwitch then a new party of the same user: one leg, from the new party, with both talk periods (§3.6)', () => {
      const { s, alice } = inboundToAlice();
      const aliceMobile = s.party({ extensionId: EXT.alice, direction: 'Inbound', from: alice.from, to: alice.to });
      s.event(alice, 'Setup', 1)
        .event(alice, 'Proceeding', 2)
        .event(alice, 'Answered', 4)
        .event(alice, 'Disconnected', 10, { reason: 'CallSwitch' })
        .event(aliceMobile, 'Answered', 10)
        .event(aliceMobile, 'Disconnected', 40);
      expect(detect(s, alice)).toEqual({ skip: 'continued-on-another-party' });
      expect(leg(s, aliceMobile)).toMatchObject({
        partyId: aliceMobile.id,
        kind: 'answered',
        answerTime: factory.at(4),
        partyStartTime: factory.at(1),
        endTime: factory.at(40),
        talkSeconds: 36,
      });
    });

    it('Pickup, never answered, nothing followed for that user when the session ended: picked up by someone else', () => {
      const { s, alice } = inboundToAlice();
      s.event(alice, 'Setup', 1).event(alice, 'Proceeding', 2).event(alice, 'Disconnected', 8, { reason: 'Pickup' });
      expect(detect(s, alice)).toBeNull();
      expect(detect(s, alice, { sessionQuiet: true })).toEqual({ skip: 'picked-up-elsewhere', detail: 'Pickup' });
    });

    it('CallSwitch after an answer with no visible continuation: logged as answered once the session ended', () => {
      const { s, alice } = inboundToAlice();
      s.event(alice, 'Setup', 1).event(alice, 'Answered', 3).event(alice, 'Disconnected', 13, { reason: 'CallSwitch' });
      expect(leg(s, alice, { sessionQuiet: true })).toMatchObject({ kind: 'answered', talkSeconds: 10, endReason: 'CallSwitch' });
    });

    it('blind transfer after answering: the user leg is "transferred", the target gets its own leg (§3.6)', () => {
      const { s, alice } = inboundToAlice();
      const bob = s.party({
        extensionId: EXT.bob,
        direction: 'Inbound',
        from: { phoneNumber: CUSTOMER_NUMBER },
        to: { phoneNumber: '102', name: 'Bob Agent', extensionId: EXT.bob },
      });
      s.event(alice, 'Setup', 1)
        .event(alice, 'Answered', 3)
        .event(alice, 'Disconnected', 33, { reason: 'BlindTransfer' })
        .event(bob, 'Setup', 33)
        .event(bob, 'Proceeding', 34)
        .event(bob, 'Answered', 40)
        .event(bob, 'Disconnected', 100);
      expect(leg(s, alice)).toMatchObject({ kind: 'transferred', result: 'Accepted', talkSeconds: 30, endReason: 'BlindTransfer' });
      expect(leg(s, bob)).toMatchObject({ kind: 'answered', talkSeconds: 60, startTime: factory.at(0), partyStartTime: factory.at(33) });
    });

    it('Gone after answering (warm transfer / conference) is no leg here: the conversation is logged in the peer session (§3.4 Gone, §3.6)', () => {
      const { s, alice } = inboundToAlice();
      const peerId = { sessionId: '2', telephonySessionId: 's-conference', partyId: 'p-conference-2' };
      s.event(alice, 'Setup', 1).event(alice, 'Answered', 2).event(alice, 'Gone', 62, { peerId });
      expect(detect(s, alice)).toEqual({ skip: 'continued-in-another-session', detail: 's-conference' });
    });

    it('Gone before any answer is no leg either', () => {
      const { s, alice } = inboundToAlice();
      s.event(alice, 'Setup', 1).event(alice, 'Proceeding', 2).event(alice, 'Gone', 5);
      expect(detect(s, alice)).toEqual({ skip: 'continued-in-another-session' });
    });

    it('waits while an earlier sequence of the session is missing (§3.5 reordering), decides once the session is quiet', () => {
      const { s, alice } = inboundToAlice();
      s.event(alice, 'Setup', 1).event(alice, 'Proceeding', 2).event(alice, 'Answered', 4).event(alice, 'Disconnected', 24);
      const all = s.notifications();
      const answerInFlight = all.filter((n) => n.body.parties[0].status.code !== 'Answered');
      expect(detect(s, alice, {}, answerInFlight)).toBeNull();
      // Had the leg been judged now it would be a missed call; with the Answered event it is a 20 s call.
      expect(detect(s, alice, { sessionQuiet: true }, answerInFlight)).toMatchObject({ kind: 'missed' });
      expect(detect(s, alice, {}, all)).toMatchObject({ kind: 'answered', talkSeconds: 20 });
    });
  });

  describe('missed, voicemail, queue (docs/ringcentral.md §3.7)', () => {
    it('direct inbound, rang (Proceeding), never answered: missed', () => {
      const { s, alice } = inboundToAlice();
      s.event(alice, 'Setup', 1).event(alice, 'Proceeding', 2).event(alice, 'Disconnected', 20);
      expect(leg(s, alice)).toMatchObject({ kind: 'missed', result: 'Missed', talkMs: 0, talkSeconds: 0, endTime: factory.at(20) });
      expect(leg(s, alice).answerTime).toBeUndefined();
    });

    it('missedCall: true on the Disconnected counts as missed even without a ringing event', () => {
      const { s, alice } = inboundToAlice();
      s.event(alice, 'Setup', 1).event(alice, 'Disconnected', 20, { missedCall: true });
      expect(leg(s, alice)).toMatchObject({ kind: 'missed', result: 'Missed' });
    });

    it('reached the extension but never rang and not flagged missed: skipped as never-rang', () => {
      const { s, alice } = inboundToAlice();
      s.event(alice, 'Setup', 1).event(alice, 'Disconnected', 2);
      expect(detect(s, alice)).toEqual({ skip: 'never-rang' });
    });

    it.each(['Voicemail', 'VoiceMail'] as const)('status %s seen: voicemail (spelling compared case-insensitively, §3.4)', (code) => {
      const { s, alice } = inboundToAlice();
      s.event(alice, 'Setup', 1).event(alice, 'Proceeding', 2).event(alice, code, 22).event(alice, 'Disconnected', 50);
      expect(leg(s, alice)).toMatchObject({ kind: 'voicemail', result: 'Voicemail', talkSeconds: 0, endTime: factory.at(50) });
    });

    it('call queue: the agent who answered is logged, agents who only rang are not missed calls (§3.6, §3.7)', () => {
      const s = factory.callScenario();
      const caller = s.party({ direction: 'Outbound', from: { phoneNumber: CUSTOMER_NUMBER }, to: { phoneNumber: COMPANY_NUMBER } });
      const queue = s.party({ extensionId: EXT.queue, direction: 'Inbound', from: { phoneNumber: CUSTOMER_NUMBER }, to: { extensionId: EXT.queue } });
      const agent = (extensionId: string, name: string) =>
        s.party({
          extensionId,
          direction: 'Inbound',
          queueCall: true,
          from: { phoneNumber: CUSTOMER_NUMBER, name: `Support - ${name}` },
          to: { phoneNumber: COMPANY_NUMBER, extensionId: EXT.queue },
          uiCallInfo: { primary: { type: 'QueueName', value: 'Support' } },
        });
      const alice = agent(EXT.alice, 'Jane');
      const bob = agent(EXT.bob, 'Jane');
      // Queue members get no Setup: their first event is Proceeding (§3.4).
      s.event(caller, 'Setup', 0)
        .event(queue, 'Setup', 0)
        .event(caller, 'Answered', 1)
        .event(alice, 'Proceeding', 5)
        .event(bob, 'Proceeding', 5)
        .event(alice, 'Answered', 9)
        .event(bob, 'Disconnected', 9, { missedCall: true })
        .event(queue, 'Disconnected', 9)
        .event(alice, 'Disconnected', 69)
        .event(caller, 'Disconnected', 69);
      expect(detect(s, bob)).toEqual({ skip: 'queue-call-not-answered' });
      expect(detect(s, queue)).toEqual({ skip: 'not-a-user-extension', detail: 'Department' });
      expect(leg(s, alice)).toMatchObject({
        kind: 'answered',
        queueCall: true,
        extensionId: EXT.alice,
        agentParty: { extensionId: EXT.alice },
        internal: false,
        startTime: factory.at(0), // queue members have no Setup: the call starts with the session
        partyStartTime: factory.at(5),
        talkSeconds: 60,
      });
    });

    it('AgentAnswered on a ringing user party: another agent took it, not a missed call', () => {
      const { s, alice } = inboundToAlice();
      s.event(alice, 'Setup', 1).event(alice, 'Proceeding', 2).event(alice, 'Disconnected', 6, { reason: 'AgentAnswered' });
      expect(detect(s, alice)).toEqual({ skip: 'answered-by-another-agent', detail: 'AgentAnswered' });
    });

    it('forwarded while ringing (BlindTransfer before any answer) is not a missed call (§3.4), unless flagged missed', () => {
      const { s, alice } = inboundToAlice();
      s.event(alice, 'Setup', 1).event(alice, 'Proceeding', 2).event(alice, 'Disconnected', 20, { reason: 'BlindTransfer' });
      expect(detect(s, alice)).toEqual({ skip: 'forwarded-before-answer', detail: 'BlindTransfer' });

      const flagged = inboundToAlice();
      flagged.s
        .event(flagged.alice, 'Setup', 1)
        .event(flagged.alice, 'Proceeding', 2)
        .event(flagged.alice, 'Disconnected', 20, { reason: 'BlindTransfer', missedCall: true });
      expect(detect(flagged.s, flagged.alice)).toMatchObject({ kind: 'missed' });
    });
  });

  describe('outbound calls: the callee decides (docs/ringcentral.md §3.4 Answered)', () => {
    it('own party Answered but the PSTN callee only rang: unanswered, No Answer', () => {
      const { s, alice, callee } = outboundFromAlice();
      s.event(alice, 'Setup', 0)
        .event(alice, 'Answered', 1) // destination reached, not the callee answering
        .event(callee, 'Setup', 1)
        .event(callee, 'Proceeding', 2)
        .event(alice, 'Disconnected', 30)
        .event(callee, 'Disconnected', 30);
      const result = leg(s, alice);
      expect(result).toMatchObject({
        direction: 'Outbound',
        kind: 'unanswered',
        result: 'No Answer',
        talkSeconds: 0,
        otherParty: { phoneNumber: CUSTOMER_NUMBER },
        agentParty: { phoneNumber: COMPANY_NUMBER, name: 'Alice Agent', extensionId: EXT.alice },
      });
      expect(result.answerTime).toBeUndefined();
    });

    it('callee busy: unanswered with the call-log result Busy', () => {
      const { s, alice, callee } = outboundFromAlice();
      s.event(alice, 'Setup', 0)
        .event(alice, 'Answered', 1)
        .event(callee, 'Setup', 1)
        .event(callee, 'Disconnected', 2, { reason: 'TargetBusy' })
        .event(alice, 'Disconnected', 2);
      expect(leg(s, alice)).toMatchObject({ kind: 'unanswered', result: 'Busy' });
    });

    it('callee answered: Call connected, talk time from the callee answer, Hold excluded', () => {
      const { s, alice, callee } = outboundFromAlice();
      s.event(alice, 'Setup', 0)
        .event(alice, 'Answered', 1)
        .event(callee, 'Setup', 1)
        .event(callee, 'Proceeding', 2)
        .event(callee, 'Answered', 8)
        .event(alice, 'Hold', 18)
        .event(alice, 'Answered', 28)
        .event(alice, 'Disconnected', 48)
        .event(callee, 'Disconnected', 48);
      expect(leg(s, alice)).toMatchObject({
        kind: 'answered',
        result: 'Call connected',
        answerTime: factory.at(8),
        talkSeconds: 30, // 8 -> 18 and 28 -> 48
        internal: false,
      });
    });

    it('no callee party delivered at all: falls back to the own party Answered', () => {
      const { s, alice } = outboundFromAlice();
      s.event(alice, 'Setup', 0).event(alice, 'Answered', 3).event(alice, 'Disconnected', 13);
      expect(leg(s, alice)).toMatchObject({ kind: 'answered', answerTime: factory.at(3), talkSeconds: 10 });
    });
  });

  it('internal call: the caller goes Answered before the callee rings (§3.4); both users get an internal leg', () => {
    const s = factory.callScenario();
    const alice = s.party({
      extensionId: EXT.alice,
      direction: 'Outbound',
      from: { phoneNumber: '101', name: 'Alice Agent', extensionId: EXT.alice },
      to: { phoneNumber: '102', name: 'Bob Agent', extensionId: EXT.bob },
    });
    const bob = s.party({
      extensionId: EXT.bob,
      direction: 'Inbound',
      from: { phoneNumber: '101', name: 'Alice Agent', extensionId: EXT.alice },
      to: { phoneNumber: '102', name: 'Bob Agent', extensionId: EXT.bob },
    });
    s.event(alice, 'Setup', 0)
      .event(alice, 'Answered', 1)
      .event(bob, 'Setup', 1)
      .event(bob, 'Proceeding', 2)
      .event(bob, 'Answered', 6)
      .event(bob, 'Disconnected', 30)
      .event(alice, 'Disconnected', 30);
    expect(leg(s, alice)).toMatchObject({
      direction: 'Outbound',
      internal: true,
      kind: 'answered',
      answerTime: factory.at(6),
      talkSeconds: 24,
      otherParty: { phoneNumber: '102', name: 'Bob Agent', extensionId: EXT.bob },
    });
    expect(leg(s, bob)).toMatchObject({
      direction: 'Inbound',
      internal: true,
      kind: 'answered',
      answerTime: factory.at(6),
      talkSeconds: 24,
      otherParty: { phoneNumber: '101', name: 'Alice Agent', extensionId: EXT.alice },
    });
  });

  it('recorded when any event of the party listed a recording (§3.3 recordings)', () => {
    const { s, alice } = inboundToAlice();
    s.event(alice, 'Setup', 1)
      .event(alice, 'Answered', 2, { recordings: [{ id: '1662272004', active: true }] })
      .event(alice, 'Disconnected', 40, { recordings: [{ id: '1662272004', active: false }] });
    expect(leg(s, alice).recorded).toBe(true);
  });

  it('an inbound fax is not a call: skipped', () => {
    const { s, alice } = inboundToAlice();
    s.event(alice, 'Setup', 1).event(alice, 'FaxReceive', 2).event(alice, 'Disconnected', 40);
    expect(detect(s, alice)).toEqual({ skip: 'fax' });
  });

  it('takes the caller number from the caller party when the user party lacks it', () => {
    const { s, caller, alice } = inboundToAlice();
    const anonymousOnAlice = { ...alice, from: {} };
    s.event(anonymousOnAlice, 'Setup', 1).event(anonymousOnAlice, 'Proceeding', 2).event(anonymousOnAlice, 'Disconnected', 9);
    expect(caller.from.phoneNumber).toBe(CUSTOMER_NUMBER);
    expect(leg(s, alice).otherParty).toEqual({ phoneNumber: CUSTOMER_NUMBER });
  });
});
