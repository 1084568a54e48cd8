import type { ScenarioContext, ScenarioScript } from './scenario-context';

/**
 * Calls placed by a user: to the PSTN (answered or not) and to another user (internal). The caller's party is
 * Outbound, the callee's Inbound. A PSTN callee has no Setup (Setup is only shown for RingCentral destinations).
 */

export function outboundAnswered(ctx: ScenarioContext): ScenarioScript {
  return outbound(ctx, true);
}

export function outboundUnanswered(ctx: ScenarioContext): ScenarioScript {
  return outbound(ctx, false);
}

function outbound(ctx: ScenarioContext, answered: boolean): ScenarioScript {
  const user = ctx.agent();
  const session = ctx.builder.session();
  const external = ctx.external();
  const callerNumber = ctx.did(user);
  const agent = session.party({
    extensionId: user.id,
    direction: 'Outbound',
    from: ctx.userPhone(user, callerNumber, true),
    to: { phoneNumber: external.phoneNumber, ...(external.name ? { name: external.name } : {}) },
  });
  const pstn = session.party({ direction: 'Inbound', from: ctx.userPhone(user, callerNumber), to: { phoneNumber: external.phoneNumber } });
  agent.emit(0, 'Setup');
  let t = ctx.rng.int(150, 600);
  agent.emit(t, 'Proceeding');
  pstn.emit((t += ctx.hop()), 'Proceeding');
  let end: number;
  // The conversation starts when the callee answers; the agent's own Answered follows (docs/ringcentral.md §3.4).
  let answeredAt: number | undefined;
  if (answered) {
    answeredAt = t + ctx.ringMs();
    pstn.emit(answeredAt, 'Answered');
    agent.emit(answeredAt + ctx.hop(), 'Answered', { recordingId: ctx.recordingId });
    const talk = ctx.talkMs();
    ctx.maybeHold(agent, answeredAt, talk);
    end = answeredAt + talk;
    const [first, second] = ctx.agentHangsUp() ? [agent, pstn] : [pstn, agent];
    first.emit(end, 'Disconnected');
    second.emit(end + ctx.hop(), 'Disconnected');
  } else {
    // The caller gives up after the callee rang out.
    end = t + ctx.ringMs(20, 40);
    agent.emit(end, 'Disconnected');
    pstn.emit(end + ctx.hop(), 'Disconnected');
  }
  const result = answered ? 'Call connected' : 'No Answer';
  const from = ctx.logUser(user, callerNumber);
  const to = ctx.logExternal(external);
  return {
    legs: [{
      party: agent,
      direction: 'Outbound',
      otherPartyNumber: external.phoneNumber,
      internal: false,
      kind: answered ? 'answered' : 'unanswered',
      result,
      recorded: answered && Boolean(ctx.recordingId),
      ...(answeredAt !== undefined ? { answeredAt } : {}),
    }],
    noLeg: [],
    records: [{
      session,
      direction: 'Outbound',
      action: 'VoIP Call',
      result,
      from,
      to,
      extensionId: user.id,
      transport: 'PSTN',
      recordingId: answered ? ctx.recordingId : undefined,
      legs: [{ legType: 'SipToPstnMetered', direction: 'Outbound', action: 'VoIP Call', result, from, to, extensionId: user.id, transport: 'PSTN', startAt: 0, endAt: agent.endedAt! }],
    }],
  };
}

/**
 * User A dials user B's extension number. As in the captured internal call, A's party is Answered as soon as the
 * platform reaches B — before B even rings — so A's Answered does not mean B picked up.
 */
export function internal(ctx: ScenarioContext): ScenarioScript {
  const a = ctx.agent();
  const b = ctx.otherAgent(a);
  const session = ctx.builder.session();
  const caller = session.party({ extensionId: a.id, direction: 'Outbound', from: ctx.userPhone(a, a.extensionNumber, true), to: ctx.userPhone(b) });
  const callee = session.party({ extensionId: b.id, direction: 'Inbound', from: ctx.userPhone(a), to: ctx.userPhone(b) });
  caller.emit(0, 'Setup');
  let t = ctx.rng.int(80, 200);
  caller.emit(t, 'Answered');
  callee.emit((t += ctx.hop()), 'Setup');
  callee.emit((t += ctx.hop()), 'Proceeding', { mobilePickupData: true });
  const answeredAt = t + ctx.ringMs();
  callee.emit(answeredAt, 'Answered', { mobilePickupData: true, recordingId: ctx.recordingId });
  const talk = ctx.talkMs();
  ctx.maybeHold(callee, answeredAt, talk);
  const end = answeredAt + talk;
  const [first, second] = ctx.agentHangsUp() ? [caller, callee] : [callee, caller];
  first.emit(end, 'Disconnected');
  second.emit(end + ctx.hop(), 'Disconnected');
  const recorded = Boolean(ctx.recordingId);
  const from = ctx.logUser(a);
  const to = ctx.logUser(b);
  return {
    legs: [
      { party: caller, direction: 'Outbound', otherPartyNumber: b.extensionNumber, internal: true, kind: 'answered', result: 'Call connected', recorded, answeredAt },
      { party: callee, direction: 'Inbound', otherPartyNumber: a.extensionNumber, internal: true, kind: 'answered', result: 'Accepted', recorded },
    ],
    noLeg: [],
    records: [{
      session,
      direction: 'Outbound',
      action: 'VoIP Call',
      result: 'Call connected',
      from,
      to,
      extensionId: a.id,
      transport: 'VoIP',
      recordingId: ctx.recordingId,
      legs: [
        { legType: 'ExtensionToExtension', direction: 'Outbound', action: 'VoIP Call', result: 'Call connected', from, to, extensionId: a.id, transport: 'VoIP', startAt: 0, endAt: caller.endedAt! },
        { legType: 'ExtensionToExtension', direction: 'Inbound', action: 'Phone Call', result: 'Accepted', from, to, extensionId: b.id, transport: 'VoIP', startAt: callee.firstAt!, endAt: callee.endedAt! },
      ],
    }],
  };
}
