import type { TelephonyNotification } from '../../ringcentral/types';
import { applyPartyEvent } from './apply-party-event';
import type { PartyState } from './party-state.types';

/** Key of one party's state: parties are unique per (account, telephony session, party id). */
export function partyStateKey(accountId: string, telephonySessionId: string, partyId: string): string {
  return `${accountId}/${telephonySessionId}/${partyId}`;
}

export interface FoldOptions<N extends Pick<TelephonyNotification, 'body'>> {
  /** ISO time the notifications reached us (feeds `lastReceivedAt`, see isSessionQuiet). */
  receivedAt?: string;
  /**
   * Called for a notification that cannot be folded (applyPartyEvent threw): it is left out — none of its parties
   * change — and the others fold. Without it the error propagates.
   */
  onError?: (notification: N, error: unknown) => void;
}

/**
 * Folds notifications (any order, duplicates allowed) into party states, returning a new map; `states` is not
 * modified. Every party of a notification is applied (real notifications carry one), all or none. A state in the
 * result that is not the object passed in `states` changed. This is the one fold: the service (EventFoldingJob) and
 * the tests both call it.
 */
export function foldNotifications<N extends Pick<TelephonyNotification, 'body'>>(
  notifications: Iterable<N>,
  states: ReadonlyMap<string, PartyState> = new Map(),
  options: FoldOptions<N> = {},
): Map<string, PartyState> {
  const next = new Map(states);
  for (const notification of notifications) {
    const { body } = notification;
    const updates = new Map<string, PartyState>();
    try {
      for (const party of body.parties) {
        const key = partyStateKey(party.accountId, body.telephonySessionId, party.id);
        const { state, changed } = applyPartyEvent(updates.get(key) ?? next.get(key), body, party, options.receivedAt);
        if (changed) updates.set(key, state);
      }
    } catch (error) {
      if (!options.onError) throw error;
      options.onError(notification, error);
      continue;
    }
    for (const [key, state] of updates) next.set(key, state);
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
