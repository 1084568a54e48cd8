import type { CallLogResult, ExtensionDirectory, ExtensionKind, TelephonyStatusReason } from '../../ringcentral/types';
import type { EndedLeg, EndedLegKind, LegSkip } from './ended-leg.types';
import type { PartyState } from './party-state.types';
import { CONTINUATION_REASONS, HAND_OVER_REASONS, TAKEN_BY_ANOTHER_AGENT_REASONS, isFinalStatus, isUnknownStatus } from './status-rules';
import { earliestTime, toMs } from './time';

/** Extension kinds whose calls are logged: people. Everything else (IVR, queue, park, ...) only routes calls. */
export const AGENT_EXTENSION_KINDS: ReadonlySet<ExtensionKind> = new Set<ExtensionKind>(['User']);

/**
 * First sequence of a session as delivered to an account-level subscription: 2 in every captured flow
 * (docs/ringcentral.md §3.2). Used to tell "nothing is missing yet" before the session is over.
 */
export const FIRST_SEQUENCE = 2;

/** Callee-side `Disconnected` reasons of an unanswered outbound call -> call-log result text (docs/ringcentral.md §3.7). */
const UNANSWERED_RESULTS: Readonly<Record<string, CallLogResult>> = {
  TargetBusy: 'Busy',
  Rejected: 'Rejected',
  NoAnswer: 'No Answer',
  Timeout: 'No Answer',
  InvalidNumber: 'Wrong Number',
  NoSuchUser: 'Wrong Number',
  InternationalDisabled: 'International Disabled',
  DestinationBlocked: 'Blocked',
  NotEnoughFunds: 'No Calling Credit',
  InternalError: 'Internal Error',
};

export interface DetectEndedLegOptions {
  /**
   * The session is over (see `isSessionQuiet`): decide with what is known, even if some sequences never arrived or
   * a Pickup/CallSwitch continuation never showed up. Without it, such cases answer `null` (wait).
   */
  sessionQuiet?: boolean;
}

/**
 * Has this party's part of the call ended, and how? The rules are listed in `../README.md`.
 *
 * @param party   the candidate party
 * @param session every known party of the same telephony session (may include `party` itself)
 * @param directory extension id -> kind, for the account of the session
 * @returns the ended leg; `{skip}` when this party will never be logged; `null` when it is not over yet (or
 *          events below its final sequence are still missing)
 */
export function detectEndedLeg(
  party: PartyState,
  session: readonly PartyState[],
  directory: ExtensionDirectory,
  options: DetectEndedLegOptions = {},
): EndedLeg | LegSkip | null {
  const extensionId = party.extensionId;
  if (extensionId === undefined) return { skip: 'external-party' };
  const extensionKind = directory(extensionId);
  if (extensionKind === undefined) return { skip: 'unknown-extension' };
  if (!AGENT_EXTENSION_KINDS.has(extensionKind)) return { skip: 'not-a-user-extension', detail: extensionKind };

  const quiet = options.sessionQuiet === true;
  // A party left on a status code the spec does not know ended with its session's quiet period, at its last event.
  if (!isFinalStatus(party.status.code) && !(quiet && isUnknownStatus(party.status.code))) return null;
  const others = session.filter((p) => p.partyId !== party.partyId);
  if (!quiet && !sequencesComplete([party, ...others], party.lastSequence)) return null;

  const endReason = party.status.reason;
  const continued = party.status.code === 'Disconnected' && isOneOf(endReason, CONTINUATION_REASONS);
  if (continued) {
    const successor = others.some((p) => p.extensionId === extensionId && p.lastSequence > party.lastSequence);
    if (successor) return { skip: 'continued-on-another-party' };
    if (!quiet) return null;
  }

  // Earlier parties of the same user that handed over to this one (Pickup/CallSwitch) are the same conversation.
  const chain = [
    ...others.filter(
      (p) =>
        p.extensionId === extensionId &&
        p.status.code === 'Disconnected' &&
        isOneOf(p.status.reason, CONTINUATION_REASONS) &&
        p.lastSequence < party.lastSequence,
    ),
    party,
  ];
  const seen = (code: string) => chain.some((p) => p.history.some((e) => e.code === code));
  if (seen('FaxReceive')) return { skip: 'fax' };
  // Gone: the party moved into another session (conference, completed warm transfer) and the conversation goes on
  // there, where this user's party ends and is logged. Logging here as well would log one conversation twice.
  if (party.status.code === 'Gone') return { skip: 'continued-in-another-session', ...(party.peer ? { detail: party.peer.telephonySessionId } : {}) };

  const direction = party.direction;
  const endTime = party.endedAt ?? party.lastEventTime;
  const calleeSide = others.filter((p) => p.direction === 'Inbound' && p.extensionId !== extensionId);
  // In a conference session the host joins a bridge rather than calling someone: its own Answered is the start.
  const ownAnswerCounts = direction === 'Inbound' || party.originType === 'Conference';
  const answerTime = ownAnswerCounts ? ownAnswer(chain) : calleeAnswer(chain, calleeSide, endTime);
  const handedOver = isOneOf(endReason, HAND_OVER_REASONS);

  let kind: EndedLegKind;
  let result: CallLogResult;
  if (answerTime !== undefined) {
    kind = handedOver ? 'transferred' : 'answered';
    result = direction === 'Inbound' ? 'Accepted' : 'Call connected';
  } else if (direction === 'Outbound') {
    kind = 'unanswered';
    result = unansweredResult(calleeSide, endReason);
  } else if (chain.some((p) => p.queueCall)) {
    return { skip: 'queue-call-not-answered' };
  } else if (isOneOf(endReason, TAKEN_BY_ANOTHER_AGENT_REASONS)) {
    return { skip: 'answered-by-another-agent', ...(endReason ? { detail: endReason } : {}) };
  } else if (seen('Voicemail') || seen('VoiceMailScreening') || endReason === 'Voicemail') {
    kind = 'voicemail';
    result = 'Voicemail';
  } else if (continued) {
    return { skip: 'picked-up-elsewhere', ...(endReason ? { detail: endReason } : {}) };
  } else if (handedOver && !chain.some((p) => p.missedCall)) {
    return { skip: 'forwarded-before-answer', ...(endReason ? { detail: endReason } : {}) };
  } else if (chain.some((p) => p.missedCall) || seen('Proceeding')) {
    kind = 'missed';
    result = 'Missed';
  } else {
    return { skip: 'never-rang' };
  }

  const answerMs = answerTime === undefined ? undefined : toMs(answerTime);
  const talkMs = answerMs === undefined ? 0 : chain.reduce((sum, p) => sum + talkTimeMs(p, answerMs), 0);
  const other = otherParty(party, others);
  const agentEndpoint = direction === 'Inbound' ? party.to : party.from;
  return {
    accountId: party.accountId,
    telephonySessionId: party.telephonySessionId,
    sessionId: party.sessionId,
    partyId: party.partyId,
    extensionId,
    direction,
    internal: other.extensionId !== undefined,
    kind,
    otherParty: other,
    agentParty: {
      ...(agentEndpoint.phoneNumber !== undefined ? { phoneNumber: agentEndpoint.phoneNumber } : {}),
      ...(agentEndpoint.name !== undefined ? { name: agentEndpoint.name } : {}),
      extensionId,
    },
    startTime: earliestTime([party, ...others].map((p) => p.firstEventTime)),
    partyStartTime: earliestTime(chain.map((p) => p.firstEventTime)),
    ...(answerTime !== undefined ? { answerTime } : {}),
    endTime,
    talkMs,
    talkSeconds: Math.round(talkMs / 1000),
    result,
    ...(endReason !== undefined ? { endReason } : {}),
    recorded: chain.some((p) => p.recorded),
    queueCall: chain.some((p) => p.queueCall),
  };
}

/**
 * True when every sequence from the session's first (at most FIRST_SEQUENCE) up to `upTo` has been seen, i.e. no
 * event that happened before this party ended is still in flight (docs/ringcentral.md §3.5: delivery can reorder a session).
 */
export function sequencesComplete(parties: readonly PartyState[], upTo: number): boolean {
  const seen = new Set<number>();
  for (const p of parties) for (const e of p.history) seen.add(e.sequence);
  const from = Math.min(FIRST_SEQUENCE, ...seen);
  let present = 0;
  for (const s of seen) if (s >= from && s <= upTo) present += 1;
  return present === upTo - from + 1;
}

/** The agent's own first Answered: for an inbound party this is the moment the user picked up. */
function ownAnswer(chain: readonly PartyState[]): string | undefined {
  const answers = chain.flatMap((p) => (p.answeredAt ? [p.answeredAt] : []));
  return answers.length ? earliestTime(answers) : undefined;
}

/**
 * Outbound: the caller's own party goes Answered as soon as RingCentral reaches the destination (docs/ringcentral.md §3.4), so the
 * conversation starts when a callee-side party answers. If no callee-side party is visible at all (not delivered),
 * the caller's own Answered is all there is.
 */
function calleeAnswer(
  chain: readonly PartyState[],
  calleeSide: readonly PartyState[],
  endTime: string,
): string | undefined {
  if (calleeSide.length === 0) return ownAnswer(chain);
  const answers = calleeSide.flatMap((p) =>
    p.answeredAt && toMs(p.answeredAt) <= toMs(endTime) ? [p.answeredAt] : [],
  );
  return answers.length ? earliestTime(answers) : undefined;
}

/** Time spent in Answered (talking, not on Hold/Parked/...) from `notBefore` on. */
function talkTimeMs(party: PartyState, notBefore: number): number {
  let total = 0;
  const h = party.history;
  for (let i = 0; i + 1 < h.length; i++) {
    if (h[i].code !== 'Answered') continue;
    const start = Math.max(toMs(h[i].eventTime), notBefore);
    const end = toMs(h[i + 1].eventTime);
    if (end > start) total += end - start;
  }
  return total;
}

function unansweredResult(calleeSide: readonly PartyState[], endReason: TelephonyStatusReason | undefined) {
  for (const reason of [...calleeSide.map((p) => p.status.reason), endReason]) {
    if (reason !== undefined && UNANSWERED_RESULTS[reason]) return UNANSWERED_RESULTS[reason];
  }
  return 'No Answer';
}

/** The caller for an inbound party, the callee for an outbound one; counterpart parties fill a missing number. */
function otherParty(party: PartyState, others: readonly PartyState[]): EndedLeg['otherParty'] {
  const inbound = party.direction === 'Inbound';
  const own = inbound ? party.from : party.to;
  const fallback = others
    .filter((p) => p.direction !== party.direction && p.extensionId !== party.extensionId)
    .map((p) => (inbound ? p.from : p.to))
    .find((e) => e.phoneNumber !== undefined);
  const phoneNumber = own.phoneNumber ?? fallback?.phoneNumber;
  const name = own.name ?? (own.phoneNumber === undefined ? fallback?.name : undefined);
  return {
    ...(phoneNumber !== undefined ? { phoneNumber } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(own.extensionId !== undefined ? { extensionId: own.extensionId } : {}),
  };
}

function isOneOf(reason: TelephonyStatusReason | undefined, set: ReadonlySet<TelephonyStatusReason>): boolean {
  return reason !== undefined && set.has(reason);
}
