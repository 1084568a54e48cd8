import type { SimExtension } from '../sim-types';
import type { PartyHandle, SessionHandle } from './session-builder';
import type { LegDraft, RecordDraft, ScenarioContext, ScenarioScript } from './scenario-context';

/**
 * Inbound PSTN calls. Party directions are technical: the PSTN caller's party is Outbound, the called user's party
 * Inbound. The PSTN party has no extensionId and disconnects last (as in the captured IVR flow).
 */

export interface InboundStart {
  session: SessionHandle;
  pstn: PartyHandle;
  agent: PartyHandle;
  external: { phoneNumber: string; name?: string };
  calledNumber: string;
  /** Virtual time at which the agent answered. */
  answeredAt: number;
}

/** PSTN caller rings `user` directly and the user answers. */
export function pstnCallAnswered(ctx: ScenarioContext, user: SimExtension, at = 0): InboundStart {
  const session = ctx.builder.session();
  const external = ctx.external();
  const calledNumber = ctx.opts.calledNumber ?? ctx.did(user);
  const pstn = session.party({ direction: 'Outbound', from: { phoneNumber: external.phoneNumber }, to: { phoneNumber: calledNumber } });
  pstn.emit(at, 'Setup');
  const agent = session.party({
    extensionId: user.id,
    direction: 'Inbound',
    from: { phoneNumber: external.phoneNumber, ...(external.name ? { name: external.name } : {}) },
    to: ctx.userPhone(user, calledNumber),
  });
  let t = at + ctx.hop();
  agent.emit(t, 'Setup');
  agent.emit((t += ctx.hop()), 'Proceeding', { mobilePickupData: true });
  const answeredAt = t + ctx.ringMs();
  agent.emit(answeredAt, 'Answered', { mobilePickupData: true, recordingId: ctx.recordingId });
  pstn.data.to = ctx.userPhone(user, calledNumber);
  pstn.emit(answeredAt + ctx.hop(), 'Answered');
  return { session, pstn, agent, external, calledNumber, answeredAt };
}

export function answeredLeg(ctx: ScenarioContext, party: PartyHandle, otherPartyNumber: string, extra: Partial<LegDraft> = {}): LegDraft {
  return {
    party,
    direction: 'Inbound',
    otherPartyNumber,
    internal: false,
    kind: 'answered',
    result: 'Accepted',
    recorded: Boolean(ctx.recordingId),
    ...extra,
  };
}

export function inboundRecord(ctx: ScenarioContext, start: InboundStart, user: SimExtension, result: string, extra: Partial<RecordDraft> = {}): RecordDraft {
  const { session, external, calledNumber, agent } = start;
  const startAt = session.firstAt;
  const endAt = agent.endedAt ?? session.lastAt;
  return {
    session,
    direction: 'Inbound',
    action: 'Phone Call',
    result,
    from: ctx.logExternal(external),
    to: ctx.logUser(user, calledNumber),
    extensionId: user.id,
    transport: 'PSTN',
    recordingId: result === 'Accepted' ? ctx.recordingId : undefined,
    legs: [
      { legType: 'Accept', direction: 'Inbound', action: 'Phone Call', result, from: ctx.logExternal(external), to: ctx.logUser(user, calledNumber), extensionId: user.id, transport: 'PSTN', startAt, endAt },
      ...(result === 'Accepted'
        ? [{ legType: 'PstnToSip', direction: 'Outbound' as const, action: 'VoIP Call', result, from: ctx.logExternal(external), to: ctx.logUser(user), extensionId: user.id, transport: 'VoIP' as const, startAt, endAt }]
        : []),
    ],
    ...extra,
  };
}

/** Ends an answered inbound conversation: the agent's party, then the PSTN party. */
export function hangUp(ctx: ScenarioContext, start: InboundStart, at: number): number {
  start.agent.emit(at, 'Disconnected');
  const end = at + ctx.hop();
  start.pstn.emit(end, 'Disconnected');
  return end;
}

export function inboundAnswered(ctx: ScenarioContext): ScenarioScript {
  const user = ctx.agent();
  const start = pstnCallAnswered(ctx, user);
  const talk = ctx.talkMs();
  ctx.maybeHold(start.agent, start.answeredAt, talk);
  hangUp(ctx, start, start.answeredAt + talk);
  return {
    legs: [answeredLeg(ctx, start.agent, start.external.phoneNumber)],
    noLeg: [],
    records: [inboundRecord(ctx, start, user, 'Accepted')],
  };
}

/** Ringing user never answers; the caller hangs up. The user's Disconnected carries missedCall: true. */
export function missed(ctx: ScenarioContext): ScenarioScript {
  return unansweredInbound(ctx, false);
}

/** Ringing user never answers; the call goes to voicemail (status Voicemail), the caller leaves a message. */
export function voicemail(ctx: ScenarioContext): ScenarioScript {
  return unansweredInbound(ctx, true);
}

function unansweredInbound(ctx: ScenarioContext, toVoicemail: boolean): ScenarioScript {
  const user = ctx.agent();
  const session = ctx.builder.session();
  const external = ctx.external();
  const calledNumber = ctx.opts.calledNumber ?? ctx.did(user);
  const pstn = session.party({ direction: 'Outbound', from: { phoneNumber: external.phoneNumber }, to: ctx.userPhone(user, calledNumber) });
  pstn.emit(0, 'Setup');
  const agent = session.party({
    extensionId: user.id,
    direction: 'Inbound',
    from: { phoneNumber: external.phoneNumber, ...(external.name ? { name: external.name } : {}) },
    to: ctx.userPhone(user, calledNumber),
  });
  let t = ctx.hop();
  agent.emit(t, 'Setup');
  agent.emit((t += ctx.hop()), 'Proceeding', { mobilePickupData: true });
  t += ctx.ringMs(15, 30);
  if (toVoicemail) {
    agent.emit(t, ctx.opts.voicemailStatus ?? 'Voicemail');
    pstn.emit((t += ctx.hop()), 'Answered');
    t += ctx.talkMs(8, 60);
  }
  // A voicemail is a missed call for the user too, so both variants end with missedCall: true.
  agent.emit(t, 'Disconnected', { missedCall: true });
  pstn.emit(t + ctx.hop(), 'Disconnected');
  const start: InboundStart = { session, pstn, agent, external, calledNumber, answeredAt: t };
  const result = toVoicemail ? 'Voicemail' : 'Missed';
  return {
    legs: [{ party: agent, direction: 'Inbound', otherPartyNumber: external.phoneNumber, internal: false, kind: toVoicemail ? 'voicemail' : 'missed', result, recorded: false }],
    noLeg: [],
    records: [inboundRecord(ctx, start, user, result, { voicemail: toVoicemail })],
  };
}

/** PSTN → company number → IVR menu → user, modelled on the captured account-level flow. */
export function inboundIvr(ctx: ScenarioContext): ScenarioScript {
  const user = ctx.agent();
  const ivr = ctx.ivr();
  const session = ctx.builder.session();
  const external = ctx.external();
  const company = ctx.opts.calledNumber ?? ctx.account.mainNumber;
  const pstn = session.party({ direction: 'Outbound', from: { phoneNumber: external.phoneNumber }, to: { phoneNumber: company } });
  pstn.emit(0, 'Setup');
  const menu = session.party({ extensionId: ivr.id, direction: 'Inbound', from: { phoneNumber: external.phoneNumber }, to: ctx.userPhone(ivr, company) });
  menu.emit(24, 'Setup');
  pstn.data.to = ctx.userPhone(ivr, company);
  pstn.emit(143, 'Answered');
  // The IVR's Disconnected and the user's Setup share one eventTime in the capture.
  const routed = ctx.rng.int(4000, 12000);
  menu.emit(routed, 'Disconnected');
  const agent = session.party({
    extensionId: user.id,
    direction: 'Inbound',
    from: { phoneNumber: external.phoneNumber, ...(external.name ? { name: external.name } : {}) },
    to: ctx.userPhone(user, company),
  });
  agent.emit(routed, 'Setup');
  agent.emit(routed + 29, 'Proceeding', { mobilePickupData: true });
  const answeredAt = routed + 29 + ctx.ringMs();
  agent.emit(answeredAt, 'Answered', { mobilePickupData: true, recordingId: ctx.recordingId });
  const talk = ctx.talkMs();
  ctx.maybeHold(agent, answeredAt, talk);
  if (external.name) pstn.data.from.name = external.name;
  const start: InboundStart = { session, pstn, agent, external, calledNumber: company, answeredAt };
  hangUp(ctx, start, answeredAt + talk);
  const record = inboundRecord(ctx, start, user, 'Accepted');
  record.legs[0] = { ...record.legs[0], extensionId: ivr.id, to: ctx.logUser(ivr, company), endAt: routed };
  record.legs[1] = { ...record.legs[1], startAt: routed };
  return {
    legs: [answeredLeg(ctx, agent, external.phoneNumber)],
    noLeg: [{ party: menu, extensionType: 'IvrMenu', reason: 'ivr' }],
    records: [record],
  };
}
