import { answeredLeg, inboundRecord, pstnCallAnswered } from './inbound.scenarios';
import type { ScenarioContext, ScenarioScript } from './scenario-context';

/**
 * Agent A answers a PSTN caller X, then merges the call into a conference and brings in agent B.
 *
 * No public capture of a conference notification stream exists; this follows the REST data described in the notes:
 * the conference is a separate session with origin.type "Conference"; A's and X's original parties go Gone with
 * peerId pointing into it; there A is the Host (its `to` names X, the participant A merged in), X and B are
 * Participants. Rule used for the expected outcome: a party that ends Gone produces no leg (the person continues in
 * the peer session); parties that end Disconnected do. So A's leg is the host party of the conference session.
 */
export function conference(ctx: ScenarioContext): ScenarioScript {
  const a = ctx.agent();
  const b = ctx.otherAgent(a);
  const start = pstnCallAnswered(ctx, a);
  const { pstn, agent, external } = start;
  const mergeAt = start.answeredAt + ctx.talkMs(10, 90);

  const conf = ctx.builder.session('Conference');
  const bridgeNumber = ctx.account.mainNumber;
  const host = conf.party({
    extensionId: a.id,
    direction: 'Outbound',
    conferenceRole: 'Host',
    from: ctx.userPhone(a, a.extensionNumber, true),
    to: { phoneNumber: external.phoneNumber, ...(external.name ? { name: external.name } : {}) },
  });
  const guest = conf.party({ direction: 'Inbound', conferenceRole: 'Participant', from: { phoneNumber: bridgeNumber, name: 'Conference' }, to: { phoneNumber: external.phoneNumber } });
  host.emit(mergeAt, 'Setup');
  host.emit(mergeAt + 150, 'Answered', { recordingId: ctx.recordingId });
  const peer = (party: typeof host) => ({ sessionId: conf.sessionId, telephonySessionId: conf.telephonySessionId, partyId: party.id });
  agent.emit(mergeAt + 200, 'Gone', { peerId: peer(host) });
  pstn.emit(mergeAt + 210, 'Gone', { peerId: peer(guest) });
  guest.emit(mergeAt + 215, 'Answered');

  const member = conf.party({ extensionId: b.id, direction: 'Inbound', conferenceRole: 'Participant', from: ctx.userPhone(a), to: ctx.userPhone(b) });
  let t = mergeAt + ctx.rng.int(1500, 4000);
  member.emit(t, 'Setup');
  member.emit((t += ctx.hop()), 'Proceeding', { mobilePickupData: true });
  const bAnswered = t + ctx.ringMs();
  member.emit(bAnswered, 'Answered', { mobilePickupData: true });
  const end = bAnswered + ctx.talkMs();
  member.emit(end, 'Disconnected');
  guest.emit(end + ctx.hop(), 'Disconnected');
  host.emit(end + 100, 'Disconnected');

  const first = inboundRecord(ctx, start, a, 'Accepted');
  first.legs = [{ ...first.legs[0], endAt: mergeAt + 200 }];
  const from = ctx.logUser(a);
  const to = ctx.logExternal(external);
  const recorded = Boolean(ctx.recordingId);
  return {
    legs: [
      answeredLeg(ctx, host, external.phoneNumber, { direction: 'Outbound', result: 'Call connected' }),
      answeredLeg(ctx, member, a.extensionNumber, { internal: true, recorded }),
    ],
    noLeg: [{ party: agent, extensionType: 'User', reason: 'gone' }],
    records: [
      first,
      {
        session: conf,
        direction: 'Outbound',
        action: 'Conference Call',
        result: 'Call connected',
        from,
        to,
        extensionId: a.id,
        transport: 'VoIP',
        recordingId: ctx.recordingId,
        legs: [
          { legType: 'ConferenceCall', direction: 'Outbound', action: 'Conference Call', result: 'Call connected', from, to, extensionId: a.id, transport: 'VoIP', startAt: mergeAt, endAt: end + 100 },
          { legType: 'ConferenceCall', direction: 'Inbound', action: 'Conference Call', result: 'Accepted', from, to: ctx.logUser(b), extensionId: b.id, transport: 'VoIP', startAt: member.firstAt!, endAt: end },
        ],
      },
    ],
  };
}
