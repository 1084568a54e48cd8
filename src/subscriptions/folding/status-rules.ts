import { normalizeStatusCode, type TelephonyStatusCode, type TelephonyStatusReason } from '../../ringcentral/types';

/**
 * A party is finished once it reaches one of these (docs/ringcentral.md §3.7.1). A code RingCentral added since (kept verbatim by
 * the parser) is not final: the party waits for a known final status, the session's quiet period
 * (`mayEndWhenQuiet`), or its call record.
 */
export function isFinalStatus(code: TelephonyStatusCode): boolean {
  return code === 'Disconnected' || code === 'Gone';
}

/** A status code the API spec does not know (kept as it came): not an end, but not a reason to wait forever either. */
export function isUnknownStatus(code: TelephonyStatusCode): boolean {
  return normalizeStatusCode(code) === undefined;
}

/**
 * The party has ended, or may be taken as ended once its session has been quiet: its last status is one the spec does
 * not know, so nothing says it goes on (a party in a known state such as Answered or Hold waits for its end).
 */
export function mayEndWhenQuiet(code: TelephonyStatusCode): boolean {
  return isFinalStatus(code) || isUnknownStatus(code);
}

/**
 * `Disconnected` reasons that mean the same user carries on with the call on another device or party: not the end
 * of their participation (docs/ringcentral.md §3.4, §3.7.2; RingCentral's call-control library treats them the same way).
 */
export const CONTINUATION_REASONS: ReadonlySet<TelephonyStatusReason> = new Set(['Pickup', 'CallSwitch']);

/**
 * `Disconnected` reasons that hand the caller over to someone or somewhere else (transfer, park, flip, redirect):
 * after an answer the user's part ended but the customer's call goes on (docs/ringcentral.md §3.6); before an answer the call was
 * forwarded away from the user, which is not a missed call (docs/ringcentral.md §3.4: a forwarded ringing call returns
 * `BlindTransfer`).
 */
export const HAND_OVER_REASONS: ReadonlySet<TelephonyStatusReason> = new Set([
  'BlindTransfer',
  'AttendedTransfer',
  'RccTransfer',
  'DtmfTransfer',
  'CallerInputRedirect',
  'CallRedirected',
  'CallFlip',
  'CallPark',
  'ParkLocation',
  'TakeOver',
]);

/** Another member of the group took the call (queue / shared-line races; docs/ringcentral.md §3.4, unverified). */
export const TAKEN_BY_ANOTHER_AGENT_REASONS: ReadonlySet<TelephonyStatusReason> = new Set(['AgentAnswered']);
