import type {
  PartyDirection,
  TelephonyPartyEndpoint,
  TelephonyPeerId,
  TelephonyStatusCode,
  TelephonyStatusReason,
} from '../../ringcentral/types';

/** One status change of a party, as delivered. */
export interface PartyHistoryEntry {
  sequence: number;
  code: TelephonyStatusCode;
  reason?: TelephonyStatusReason;
  eventTime: string;
}

/**
 * Everything known about one party of one telephony session, folded from its notifications in any order.
 * Key: (accountId, telephonySessionId, partyId). Plain data (ISO strings, no Dates) so it can be stored as is.
 */
export interface PartyState {
  accountId: string;
  telephonySessionId: string;
  sessionId: string;
  partyId: string;
  /** Absent for PSTN/external parties. */
  extensionId?: string;
  /** From the earliest event seen: RingCentral may flip it after a call switch (docs/ringcentral.md §3.6). */
  direction: PartyDirection;
  /** Per field, the value of the highest-sequence event that carried it (names can arrive late). */
  from: TelephonyPartyEndpoint;
  to: TelephonyPartyEndpoint;
  /** Highest sequence seen; `status` belongs to it. */
  lastSequence: number;
  status: { code: TelephonyStatusCode; reason?: TelephonyStatusReason };
  /** Every distinct event, ascending by sequence; lower-sequence events that arrive late are still recorded. */
  history: PartyHistoryEntry[];
  /** Earliest and latest `eventTime` in `history`. */
  firstEventTime: string;
  lastEventTime: string;
  /** Latest time one of its events was received by us, when the caller supplies it. */
  lastReceivedAt?: string;
  /** First `Answered` in history (a later `Answered` is an unhold). */
  answeredAt?: string;
  /** Time of the current status when it is final (`Disconnected` or `Gone`). */
  endedAt?: string;
  /** Sticky: true once any event said so. */
  missedCall: boolean;
  queueCall: boolean;
  recorded: boolean;
  originType?: string;
  /** Where a `Gone` party went (its `status.peerId`). */
  peer?: TelephonyPeerId;
  /** Call-queue name from `uiCallInfo` on queue calls. */
  queueName?: string;
  /**
   * Bookkeeping for order-independent merging: the sequence that last set each merged field
   * (`direction`, `from.name`, `peer`, ...). Not meant to be read by callers.
   */
  fieldSequences: Record<string, number>;
}

export interface ApplyPartyEventResult {
  state: PartyState;
  /** False only for an exact duplicate (a sequence already in the history): then `state` is the input object. */
  changed: boolean;
}
