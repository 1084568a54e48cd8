import { materializeRecord } from './call-log-records';
import type { StoredCallRecord } from './call-log-store';
import { eventPath, sleep } from './notification-dispatcher';
import { DEFAULT_MIX, isScenarioName, SCENARIOS } from './scenarios';
import { ScenarioContext, type LegDraft } from './scenarios/scenario-context';
import type { SimState } from './sim-state';
import type {
  ExpectedLeg, NotificationEnvelope, PlayOptions, PlayResult, ScenarioName, SimAccount, TelephonySessionEventBody,
} from './sim-types';

/**
 * Plays scripted calls: builds the notification stream, lays its timeline out in the past so the call ends about
 * when its last notification is delivered, files the call-log record(s) and returns what the service should derive.
 */

export interface PlayRandomOptions extends PlayOptions {
  /** Relative weights per scenario (default: a support-team mix). */
  mix?: Partial<Record<ScenarioName, number>>;
  /** Calls started per second (default 10). */
  rate?: number;
  /** External numbers to draw from (e.g. contacts that exist in a CRM). */
  externalNumbers?: string[];
}

export interface ReplayOptions {
  /** Fresh uuids, session ids and party ids, and the fixture's account id replaced by the target account. */
  rewriteIds?: boolean;
  /** Extension ids of the fixture → extension ids of the target account (with rewriteIds). */
  extensionMap?: Record<string, string>;
  /** Move eventTime/timestamp so the last notification is "now" (default true). */
  shiftTimes?: boolean;
  pace?: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export class ScenarioEngine {
  /** Calls played with leaveOpen, by telephonySessionId: their records are filed final by endCall(). */
  private readonly open = new Map<string, { accountId: string; records: StoredCallRecord[]; legs: ExpectedLeg[] }>();

  constructor(private readonly state: SimState) {}

  /**
   * Ends a call played with `leaveOpen`: its final record (as the scenario wrote it: start, duration) is listed from
   * now (plus callLogDelayMs); the notifications after its first end are never delivered. Returns its expected legs.
   */
  endCall(accountId: string, telephonySessionId: string): ExpectedLeg[] {
    const call = this.open.get(telephonySessionId);
    if (!call || call.accountId !== accountId) throw new Error(`no open call ${telephonySessionId} on account ${accountId}`);
    const visibleAt = this.state.now() + this.state.knobs.callLogDelayMs;
    for (const entry of call.records) {
      entry.visibleAt = visibleAt;
      entry.recordingVisibleAt = visibleAt + this.state.knobs.recordingDelayMs;
      if (this.state.knobs.callLogChangeDelayMs > 0) entry.changedAt = visibleAt + this.state.knobs.callLogChangeDelayMs;
    }
    for (const [id, c] of this.open) if (c === call) this.open.delete(id);
    return call.legs;
  }

  async play(accountId: string, scenario: ScenarioName, opts: PlayOptions = {}): Promise<PlayResult> {
    if (!isScenarioName(scenario)) throw new Error(`unknown scenario ${String(scenario)}`);
    const { state } = this;
    const account = state.accounts.require(accountId);
    const ctx = new ScenarioContext(account, state.ids, state.rng, opts);
    const script = SCENARIOS[scenario](ctx);
    const builder = ctx.builder;
    const pace = opts.pace ?? state.options.defaultPaceMs;
    const t0 = state.now() + (builder.eventCount - 1) * pace - builder.lastAt;
    let events = builder.bodies(t0);
    if (opts.leaveOpen) {
      const firstEnd = events.findIndex((e) => e.parties.some((p) => p.status.code === 'Disconnected' || p.status.code === 'Gone'));
      if (firstEnd >= 0) events = events.slice(0, firstEnd);
    }

    const callLogRecordIds: string[] = [];
    const filed: StoredCallRecord[] = [];
    for (const draft of script.records) {
      const record = materializeRecord(draft, t0, accountId, state.ids, state.knobs.recordDurationExtraSeconds);
      const startMs = t0 + draft.session.firstAt;
      // A call left open has no final record until endCall(); with callLogInProgress it is listed "In Progress" meanwhile.
      const visibleAt = opts.leaveOpen ? Infinity : t0 + draft.session.lastAt + state.knobs.callLogDelayMs;
      const entry: StoredCallRecord = {
        accountId,
        record,
        startMs,
        inProgressFrom: state.knobs.callLogInProgress ? startMs : undefined,
        visibleAt,
        recordingVisibleAt: visibleAt + state.knobs.recordingDelayMs,
        ...(state.knobs.callLogChangeDelayMs > 0 && { changedAt: visibleAt + state.knobs.callLogChangeDelayMs }),
        extensionIds: [...new Set([draft.extensionId, ...draft.legs.map((l) => l.extensionId)])],
      };
      state.callLogs.add(entry);
      filed.push(entry);
      if (!opts.leaveOpen) callLogRecordIds.push(record.id);
    }
    if (opts.leaveOpen) {
      for (const s of builder.sessions) this.open.set(s.telephonySessionId, { accountId, records: filed, legs: script.legs.map((l) => expectedLeg(l, t0)) });
    }
    state.stats.calls.played++;
    state.stats.calls.notifications += events.length;
    state.stats.calls.byScenario[scenario] = (state.stats.calls.byScenario[scenario] ?? 0) + 1;

    const items = state.dispatcher.envelopesFor(accountId, events.map((body, i) => ({ body, dueMs: i * pace })));
    const started = Date.now();
    const { delivered, dropped } = await state.dispatcher.deliver(items);
    // Even with nobody subscribed, resolve only once the call has ended in (real) time, so its record is due.
    await sleep(started + (events.length - 1) * pace + 2 - Date.now(), state.stop.signal);
    return {
      scenario,
      accountId,
      telephonySessionIds: builder.sessions.map((s) => s.telephonySessionId),
      sessionIds: builder.sessions.map((s) => s.sessionId),
      legs: opts.leaveOpen ? [] : script.legs.map((l) => expectedLeg(l, t0)),
      noLeg: (opts.leaveOpen ? [] : script.noLeg).map((n) => ({
        telephonySessionId: n.party.session.telephonySessionId,
        partyId: n.party.id,
        extensionId: n.party.data.extensionId,
        extensionType: n.extensionType,
        reason: n.reason,
      })),
      callLogRecordIds,
      events,
      delivered,
      dropped,
      endTime: opts.leaveOpen ? (events.at(-1)?.eventTime ?? iso(t0)) : iso(t0 + builder.lastAt),
    };
  }

  /** Plays `count` calls drawn from `mix`, starting `rate` per second; resolves when all are delivered. */
  async playRandom(accountId: string, count: number, opts: PlayRandomOptions = {}): Promise<PlayResult[]> {
    const { mix, rate = 10, externalNumbers, ...playOpts } = opts;
    const account = this.state.accounts.require(accountId);
    const weights = feasibleMix(account, mix ?? DEFAULT_MIX);
    const plays: Promise<PlayResult>[] = [];
    for (let i = 0; i < count; i++) {
      if (i > 0) await sleep(1000 / rate, this.state.stop.signal);
      const scenario = this.state.rng.weighted(weights);
      const externalNumber = externalNumbers?.length ? this.state.rng.pick(externalNumbers) : playOpts.externalNumber;
      plays.push(this.play(accountId, scenario, { ...playOpts, externalNumber }));
    }
    return Promise.all(plays);
  }

  /** Delivers recorded notifications (e.g. a fixture flow) to one subscription or to every matching one. */
  async replay(accountId: string, notifications: NotificationEnvelope[], subscriptionId?: string, opts: ReplayOptions = {}): Promise<PlayResult> {
    const { state } = this;
    state.accounts.require(accountId);
    const only = subscriptionId ? state.subscriptions.get(subscriptionId) : undefined;
    if (subscriptionId && (!only || only.accountId !== accountId)) throw new Error(`subscription ${subscriptionId} is not one of account ${accountId}`);
    const pace = opts.pace ?? state.options.defaultPaceMs;
    const rewritten = rewrite(notifications, accountId, opts, state, pace);
    const items = state.dispatcher.readdress(accountId, rewritten.map((envelope, i) => ({ envelope, dueMs: i * pace })), only);
    const { delivered, dropped } = await state.dispatcher.deliver(items);
    const events = rewritten.map((e) => e.body);
    return {
      scenario: 'replay',
      accountId,
      telephonySessionIds: [...new Set(events.map((e) => e.telephonySessionId))],
      sessionIds: [...new Set(events.map((e) => e.sessionId))],
      legs: [],
      noLeg: [],
      callLogRecordIds: [],
      events,
      delivered,
      dropped,
      endTime: events.length ? events.map((e) => e.eventTime).sort().at(-1)! : iso(state.now()),
    };
  }
}

function expectedLeg(l: LegDraft, t0: number): ExpectedLeg {
  const { party } = l;
  const answeredAt = l.answeredAt ?? party.answeredAt;
  const answered = l.kind === 'answered' || l.kind === 'transferred';
  return {
    telephonySessionId: party.session.telephonySessionId,
    sessionId: party.session.sessionId,
    partyId: party.id,
    extensionId: party.data.extensionId!,
    direction: l.direction,
    otherPartyNumber: l.otherPartyNumber,
    internal: l.internal,
    kind: l.kind,
    startTime: iso(t0 + party.firstAt!),
    callStartTime: iso(t0 + party.session.firstAt),
    ...(answered && answeredAt !== undefined ? { answerTime: iso(t0 + answeredAt) } : {}),
    endTime: iso(t0 + party.endedAt!),
    result: l.result,
    recorded: l.recorded,
  };
}

/** Drops scenarios the account cannot play (no IVR, no queue, a single user). */
function feasibleMix(account: SimAccount, mix: Partial<Record<ScenarioName, number>>): Partial<Record<ScenarioName, number>> {
  const users = account.extensions.filter((e) => e.type === 'User' && e.status === 'Enabled').length;
  const hasIvr = account.extensions.some((e) => e.type === 'IvrMenu');
  const queue = account.extensions.find((e) => e.type === 'Department');
  const out: Partial<Record<ScenarioName, number>> = {};
  for (const [name, weight] of Object.entries(mix) as [ScenarioName, number][]) {
    if (!isScenarioName(name)) throw new Error(`unknown scenario ${name}`);
    const needsTwo = ['internal', 'blind-transfer', 'warm-transfer', 'conference'].includes(name);
    if ((needsTwo && users < 2) || (name === 'inbound-ivr' && !hasIvr) || (name === 'queue' && !queue?.members?.length)) continue;
    out[name] = weight;
  }
  return out;
}

function rewrite(notifications: NotificationEnvelope[], accountId: string, opts: ReplayOptions, state: SimState, pace: number): NotificationEnvelope[] {
  const copies = structuredClone(notifications);
  const times = copies.map((n) => Date.parse(n.body.eventTime)).filter((t) => !Number.isNaN(t));
  const shift = opts.shiftTimes === false || times.length === 0 ? 0 : state.now() + (copies.length - 1) * pace - Math.max(...times);
  const sessions = new Map<string, { tsid: string; sid: string }>();
  const ext = (id: string | undefined): string | undefined => (id === undefined ? undefined : (opts.extensionMap?.[id] ?? id));
  return copies.map((n) => {
    const body: TelephonySessionEventBody = n.body;
    if (shift) {
      body.eventTime = iso(Date.parse(body.eventTime) + shift);
      n.timestamp = iso(Date.parse(n.timestamp) + shift);
    }
    if (opts.rewriteIds) {
      let ids = sessions.get(body.telephonySessionId);
      if (!ids) {
        ids = { tsid: state.ids.telephonySessionId(), sid: state.ids.sessionId() };
        sessions.set(body.telephonySessionId, ids);
      }
      const oldHex = body.telephonySessionId.replace(/^s-/, '');
      body.telephonySessionId = ids.tsid;
      body.sessionId = ids.sid;
      n.uuid = state.ids.notificationUuid();
      for (const party of body.parties) {
        party.accountId = accountId;
        party.id = party.id.replace(oldHex, ids.tsid.slice(2));
        if (party.extensionId) party.extensionId = ext(party.extensionId);
        for (const side of [party.from, party.to]) if (side?.extensionId) side.extensionId = ext(side.extensionId);
      }
      n.event = eventPath(accountId, body.parties[0]?.extensionId);
    }
    return n;
  });
}
