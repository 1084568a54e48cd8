import { answeredLeg, inboundRecord, pstnCallAnswered } from './inbound.scenarios';
import type { ScenarioContext, ScenarioScript } from './scenario-context';

/**
 * Transfers of an answered inbound PSTN call from agent A to agent B.
 *
 * Blind: A's party ends Disconnected + reason BlindTransfer; the call continues in the same session with a new party
 * for B (Setup, Proceeding, Answered, Disconnected); the PSTN party disconnects last.
 *
 * Warm (attended) — no public capture exists, so this is our reading of the docs: A holds the customer and calls B
 * in a second (consult) session; on "complete transfer" A's customer party ends Disconnected + AttendedTransfer, A's
 * consult party ends Disconnected + AttendedTransfer, B's consult party goes Gone with peerId pointing at B's new
 * party in the customer session, and that new party appears directly Answered there.
 */

export function blindTransfer(ctx: ScenarioContext): ScenarioScript {
  const a = ctx.agent();
  const b = ctx.otherAgent(a);
  const start = pstnCallAnswered(ctx, a);
  const { session, pstn, agent, external } = start;
  const talk1 = ctx.talkMs(10, 90);
  const transferAt = start.answeredAt + talk1;
  agent.emit(transferAt, 'Disconnected', { reason: 'BlindTransfer' });
  const target = session.party({
    extensionId: b.id,
    direction: 'Inbound',
    from: { phoneNumber: external.phoneNumber, ...(external.name ? { name: external.name } : {}) },
    to: ctx.userPhone(b),
  });
  let t = transferAt + ctx.hop();
  target.emit(t, 'Setup');
  target.emit((t += ctx.hop()), 'Proceeding', { mobilePickupData: true });
  const bAnswered = t + ctx.ringMs();
  target.emit(bAnswered, 'Answered', { mobilePickupData: true, recordingId: ctx.recordingId });
  const end = bAnswered + ctx.talkMs();
  target.emit(end, 'Disconnected');
  pstn.emit(end + ctx.hop(), 'Disconnected');

  const record = inboundRecord(ctx, start, a, 'Accepted');
  record.legs = [
    { ...record.legs[0], endAt: transferAt },
    { legType: 'TransferCall', direction: 'Inbound', action: 'Transfer', result: 'Accepted', from: ctx.logExternal(external), to: ctx.logUser(b), extensionId: b.id, transport: 'VoIP', startAt: target.firstAt!, endAt: end },
  ];
  return {
    legs: [
      answeredLeg(ctx, agent, external.phoneNumber, { kind: 'transferred' }),
      answeredLeg(ctx, target, external.phoneNumber),
    ],
    noLeg: [],
    records: [record],
  };
}

export function warmTransfer(ctx: ScenarioContext): ScenarioScript {
  const a = ctx.agent();
  const b = ctx.otherAgent(a);
  const start = pstnCallAnswered(ctx, a);
  const { session, pstn, agent, external } = start;
  const holdAt = start.answeredAt + ctx.talkMs(10, 90);
  agent.emit(holdAt, 'Hold');

  const consult = ctx.builder.session();
  const aConsult = consult.party({ extensionId: a.id, direction: 'Outbound', from: ctx.userPhone(a, a.extensionNumber, true), to: ctx.userPhone(b) });
  const bConsult = consult.party({ extensionId: b.id, direction: 'Inbound', from: ctx.userPhone(a), to: ctx.userPhone(b) });
  let t = holdAt + ctx.rng.int(800, 2500);
  aConsult.emit(t, 'Setup');
  aConsult.emit((t += ctx.hop()), 'Answered');
  bConsult.emit((t += ctx.hop()), 'Setup');
  bConsult.emit((t += ctx.hop()), 'Proceeding', { mobilePickupData: true });
  const bAnswered = t + ctx.ringMs();
  bConsult.emit(bAnswered, 'Answered', { mobilePickupData: true });

  const bridgeAt = bAnswered + ctx.talkMs(10, 60);
  agent.emit(bridgeAt, 'Disconnected', { reason: 'AttendedTransfer' });
  aConsult.emit(bridgeAt + 5, 'Disconnected', { reason: 'AttendedTransfer' });
  const bFinal = session.party({
    extensionId: b.id,
    direction: 'Inbound',
    from: { phoneNumber: external.phoneNumber, ...(external.name ? { name: external.name } : {}) },
    to: ctx.userPhone(b),
  });
  bConsult.emit(bridgeAt + 10, 'Gone', {
    reason: 'AttendedTransfer',
    peerId: { sessionId: session.sessionId, telephonySessionId: session.telephonySessionId, partyId: bFinal.id },
  });
  bFinal.emit(bridgeAt + 12, 'Answered', { recordingId: ctx.recordingId });
  const end = bridgeAt + ctx.talkMs();
  bFinal.emit(end, 'Disconnected');
  pstn.emit(end + ctx.hop(), 'Disconnected');

  const record = inboundRecord(ctx, start, a, 'Accepted');
  record.legs = [
    { ...record.legs[0], endAt: bridgeAt },
    { legType: 'TransferCall', direction: 'Inbound', action: 'Transfer', result: 'Accepted', from: ctx.logExternal(external), to: ctx.logUser(b), extensionId: b.id, transport: 'VoIP', startAt: bFinal.firstAt!, endAt: end },
  ];
  const from = ctx.logUser(a);
  const to = ctx.logUser(b);
  return {
    legs: [
      answeredLeg(ctx, agent, external.phoneNumber, { kind: 'transferred' }),
      { party: aConsult, direction: 'Outbound', otherPartyNumber: b.extensionNumber, internal: true, kind: 'transferred', result: 'Call connected', recorded: false, answeredAt: bAnswered },
      answeredLeg(ctx, bFinal, external.phoneNumber),
    ],
    noLeg: [{ party: bConsult, extensionType: 'User', reason: 'gone' }],
    records: [
      record,
      {
        session: consult,
        direction: 'Outbound',
        action: 'VoIP Call',
        result: 'Call connected',
        from,
        to,
        extensionId: a.id,
        transport: 'VoIP',
        legs: [
          { legType: 'ExtensionToExtension', direction: 'Outbound', action: 'VoIP Call', result: 'Call connected', from, to, extensionId: a.id, transport: 'VoIP', startAt: aConsult.firstAt!, endAt: aConsult.endedAt! },
          { legType: 'ExtensionToExtension', direction: 'Inbound', action: 'Phone Call', result: 'Accepted', from, to, extensionId: b.id, transport: 'VoIP', startAt: bConsult.firstAt!, endAt: bConsult.endedAt! },
        ],
      },
    ],
  };
}
