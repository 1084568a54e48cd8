import type { SimExtension } from '../sim-types';
import type { NoLegDraft, ScenarioContext, ScenarioScript } from './scenario-context';

/**
 * PSTN caller → call queue → several agents rung at once. The queue party (a Department extension) answers first
 * (greeting), then each agent gets a party whose first state is Proceeding, with queueCall: true, `to` naming the
 * queue and uiCallInfo. One agent answers; at that moment the queue party disconnects and the other agents'
 * parties end Disconnected without ever answering.
 *
 * Undocumented, our choice: the losers' Disconnected carries reason "AgentAnswered" and missedCall: false (a call
 * answered by a colleague is not missed by the customer).
 */
export function queueCall(ctx: ScenarioContext): ScenarioScript {
  const queue = ctx.queue();
  const agents: SimExtension[] = (ctx.opts.agentIds ?? queue.members ?? []).map((id) => ctx.extension(id, 'User'));
  if (agents.length === 0) throw new Error(`queue ${queue.id} has no agents to ring`);
  const winner = ctx.opts.answeringAgentId ? ctx.extension(ctx.opts.answeringAgentId, 'User') : ctx.rng.pick(agents);
  if (!agents.some((a) => a.id === winner.id)) throw new Error(`answering agent ${winner.id} is not among the agents rung`);

  const session = ctx.builder.session();
  const external = ctx.external();
  const called = ctx.opts.calledNumber ?? queue.directNumber ?? ctx.account.mainNumber;
  const pstn = session.party({ direction: 'Outbound', from: { phoneNumber: external.phoneNumber }, to: { phoneNumber: called } });
  pstn.emit(0, 'Setup');
  const queueParty = session.party({ extensionId: queue.id, direction: 'Inbound', from: { phoneNumber: external.phoneNumber }, to: ctx.userPhone(queue, called) });
  queueParty.emit(25, 'Setup');
  pstn.data.to = ctx.userPhone(queue, called);
  pstn.emit(140, 'Answered');

  const callerLabel = external.name ?? external.phoneNumber;
  let t = ctx.rng.int(3000, 10000);
  const rung = agents.map((agent) => {
    const party = session.party({
      extensionId: agent.id,
      direction: 'Inbound',
      queueCall: true,
      from: { phoneNumber: external.phoneNumber, name: `${queue.name} - ${callerLabel}` },
      to: ctx.userPhone(queue, queue.extensionNumber),
      uiCallInfo: { primary: { type: 'QueueName', value: queue.name }, additional: { type: 'CallerIdName', value: callerLabel } },
    });
    party.emit((t += ctx.hop()), 'Proceeding', { mobilePickupData: true });
    return { agent, party };
  });
  const answeredAt = t + ctx.ringMs();
  const win = rung.find((r) => r.agent.id === winner.id)!;
  win.party.emit(answeredAt, 'Answered', { mobilePickupData: true, recordingId: ctx.recordingId });
  queueParty.emit(answeredAt + 2, 'Disconnected');
  const noLeg: NoLegDraft[] = [{ party: queueParty, extensionType: 'Department', reason: 'queue' }];
  let d = answeredAt + 4;
  for (const r of rung) {
    if (r === win) continue;
    r.party.emit((d += ctx.hop()), 'Disconnected', { reason: 'AgentAnswered', missedCall: false });
    noLeg.push({ party: r.party, extensionType: 'User', reason: 'lost-queue-race' });
  }
  const talk = ctx.talkMs();
  ctx.maybeHold(win.party, answeredAt, talk);
  const end = answeredAt + talk;
  win.party.emit(end, 'Disconnected');
  pstn.emit(end + ctx.hop(), 'Disconnected');

  const from = ctx.logExternal(external);
  return {
    legs: [{
      party: win.party,
      direction: 'Inbound',
      otherPartyNumber: external.phoneNumber,
      internal: false,
      kind: 'answered',
      result: 'Accepted',
      recorded: Boolean(ctx.recordingId),
    }],
    noLeg,
    records: [{
      session,
      direction: 'Inbound',
      action: 'Phone Call',
      result: 'Accepted',
      from,
      to: ctx.logUser(queue, called),
      extensionId: winner.id,
      transport: 'PSTN',
      recordingId: ctx.recordingId,
      legs: [
        { legType: 'Accept', direction: 'Inbound', action: 'Phone Call', result: 'Accepted', from, to: ctx.logUser(queue, called), extensionId: queue.id, transport: 'PSTN', startAt: 0, endAt: answeredAt + 2 },
        { legType: 'Hunting', direction: 'Inbound', action: 'Phone Call', result: 'Accepted', from, to: ctx.logUser(winner), extensionId: winner.id, transport: 'VoIP', startAt: win.party.firstAt!, endAt: end },
      ],
    }],
  };
}
