import type { TelephonyNotification } from '../../ringcentral/types';
import { applyPartyEvent } from './apply-party-event';
import type { PartyState } from './party-state.types';

/** Key of one party's state: parties are unique per (account, telephony session, party id). */
export function partyStateKey(accountId: string, telephonySessionId: string, partyId: string): string {
  return `${accountId}/${telephonySessionId}/${partyId}`;
}

/**
 * Folds notifications (any order, duplicates allowed) into party states, returning a new map; `states` is not
 * modified. Every party of a notification is applied (real notifications carry one).
 */
export function foldNotifications(
  notifications: Iterable<TelephonyNotification>,
  states: ReadonlyMap<string, PartyState> = new Map(),
  receivedAt?: string,
): Map<string, PartyState> {
  const next = new Map(states);
  for (const notification of notifications) {
    for (const party of notification.body.parties) {
      const key = partyStateKey(party.accountId, notification.body.telephonySessionId, party.id);
      const { state, changed } = applyPartyEvent(next.get(key), notification.body, party, receivedAt);
      if (changed) next.set(key, state);
    }
  }
  return next;
}

/** The parties of one session (pass `map.values()`), in order of appearance (first sequence). */
export function sessionPartyStates(
  states: Iterable<PartyState>,
  accountId: string,
  telephonySessionId: string,
): PartyState[] {
  return [...states]
    .filter((p) => p.accountId === accountId && p.telephonySessionId === telephonySessionId)
    .sort((a, b) => a.history[0].sequence - b.history[0].sequence);
}
