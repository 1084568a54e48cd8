import {
  canonicalStatusCode,
  type TelephonyParty,
  type TelephonyPartyEndpoint,
  type TelephonySessionEventBody,
} from '../../ringcentral/types';
import type { ApplyPartyEventResult, PartyHistoryEntry, PartyState } from './party-state.types';
import { isFinalStatus } from './status-rules';
import { latestTime, earliestTime } from './time';

const ENDPOINT_FIELDS = ['phoneNumber', 'name', 'extensionId', 'deviceId'] as const;

/**
 * Folds one party of one notification into that party's state (docs/ringcentral.md §3.5).
 *
 * - The highest sequence decides the current status; an older event arriving late is added to the history (so
 *   `answeredAt` is known even when `Answered` arrives after `Disconnected`) but never overwrites the status.
 * - An exact duplicate (a sequence already in the history, e.g. a redelivery) changes nothing.
 * - The result does not depend on arrival order: status and times derive from the sorted history, and merged
 *   fields record the sequence that set them (`fieldSequences`).
 *
 * `receivedAt` (ISO time the notification reached us) feeds `lastReceivedAt` for the quiet-period check.
 */
export function applyPartyEvent(
  state: PartyState | undefined,
  body: TelephonySessionEventBody,
  party: TelephonyParty,
  receivedAt?: string,
): ApplyPartyEventResult {
  if (state) {
    assertSameParty(state, body, party);
    if (state.history.some((entry) => entry.sequence === body.sequence)) return { state, changed: false };
  }

  const sequence = body.sequence;
  // Unknown codes are kept as they came: such a party is not ended (isFinalStatus) until a known final status.
  const code = canonicalStatusCode(party.status.code);
  const entry: PartyHistoryEntry = {
    sequence,
    code,
    ...(party.status.reason ? { reason: party.status.reason } : {}),
    eventTime: body.eventTime,
  };
  const history = [...(state?.history ?? []), entry].sort((a, b) => a.sequence - b.sequence);
  const current = history[history.length - 1];

  const fieldSequences = { ...state?.fieldSequences };
  /** Keeps `value` if this event is the highest (or, with `earliest`, lowest) sequence to carry the field. */
  const merge = <T>(field: string, previous: T | undefined, value: T | undefined, earliest = false): T | undefined => {
    if (value === undefined) return previous;
    const setBy = fieldSequences[field];
    if (setBy !== undefined && (earliest ? sequence > setBy : sequence < setBy)) return previous;
    fieldSequences[field] = sequence;
    return value;
  };
  const mergeEndpoint = (side: 'from' | 'to', previous: TelephonyPartyEndpoint | undefined) => {
    const merged: TelephonyPartyEndpoint = {};
    for (const field of ENDPOINT_FIELDS) {
      const value = merge(`${side}.${field}`, previous?.[field], party[side]?.[field]);
      if (value !== undefined) merged[field] = value;
    }
    return merged;
  };

  const direction = merge('direction', state?.direction, party.direction, true) ?? party.direction;
  const extensionId = state?.extensionId ?? party.extensionId;
  const peer = merge('peer', state?.peer, party.status.peerId);
  const queueName = merge(
    'queueName',
    state?.queueName,
    party.uiCallInfo?.primary?.type === 'QueueName' ? party.uiCallInfo.primary.value : undefined,
  );
  const originType = merge('originType', state?.originType, body.origin?.type);
  const answered = history.find((e) => e.code === 'Answered');
  const lastReceivedAt =
    state?.lastReceivedAt && receivedAt
      ? latestTime([state.lastReceivedAt, receivedAt])
      : (receivedAt ?? state?.lastReceivedAt);

  const next: PartyState = {
    accountId: party.accountId,
    telephonySessionId: body.telephonySessionId,
    sessionId: state?.sessionId ?? body.sessionId,
    partyId: party.id,
    ...(extensionId !== undefined ? { extensionId } : {}),
    direction,
    from: mergeEndpoint('from', state?.from),
    to: mergeEndpoint('to', state?.to),
    lastSequence: current.sequence,
    status: { code: current.code, ...(current.reason ? { reason: current.reason } : {}) },
    history,
    firstEventTime: earliestTime(history.map((e) => e.eventTime)),
    lastEventTime: latestTime(history.map((e) => e.eventTime)),
    ...(lastReceivedAt !== undefined ? { lastReceivedAt } : {}),
    ...(answered ? { answeredAt: answered.eventTime } : {}),
    ...(isFinalStatus(current.code) ? { endedAt: current.eventTime } : {}),
    missedCall: (state?.missedCall ?? false) || party.missedCall,
    queueCall: (state?.queueCall ?? false) || party.queueCall === true,
    recorded: (state?.recorded ?? false) || (party.recordings?.length ?? 0) > 0,
    ...(originType !== undefined ? { originType } : {}),
    ...(peer !== undefined ? { peer } : {}),
    ...(queueName !== undefined ? { queueName } : {}),
    fieldSequences,
  };
  return { state: next, changed: true };
}

function assertSameParty(state: PartyState, body: TelephonySessionEventBody, party: TelephonyParty): void {
  if (
    state.partyId !== party.id ||
    state.telephonySessionId !== body.telephonySessionId ||
    state.accountId !== party.accountId
  ) {
    throw new Error(
      `event for ${party.accountId}/${body.telephonySessionId}/${party.id} applied to the state of ` +
        `${state.accountId}/${state.telephonySessionId}/${state.partyId}`,
    );
  }
}
