import type { CallLogResult, TelephonyStatusReason } from '../../ringcentral/types';

export type EndedLegKind = 'answered' | 'missed' | 'voicemail' | 'unanswered' | 'transferred';

/** One user extension's part of a call, ended: the fact the logging pipeline turns into a CRM call log. */
export interface EndedLeg {
  accountId: string;
  telephonySessionId: string;
  sessionId: string;
  partyId: string;
  extensionId: string;
  /** Business direction from the agent's point of view. */
  direction: 'Inbound' | 'Outbound';
  /** The other side is an extension of the same account. */
  internal: boolean;
  kind: EndedLegKind;
  /** The customer (or colleague); `phoneNumber` is absent for withheld numbers. */
  otherParty: { phoneNumber?: string; name?: string; extensionId?: string };
  agentParty: { phoneNumber?: string; name?: string; extensionId: string };
  /** First event of the whole session (includes IVR/queue routing, like the call log's `startTime`). */
  startTime: string;
  /** First event of the agent's own party (when it started ringing or dialling). */
  partyStartTime: string;
  /** When the conversation started: the agent's answer, or for outbound calls the callee's. */
  answerTime?: string;
  endTime: string;
  /** Answered -> end, excluding Hold periods, in milliseconds and rounded to whole seconds. */
  talkMs: number;
  talkSeconds: number;
  /** Call-log style result text. */
  result: CallLogResult;
  /** The `status.reason` the party ended with, if any. */
  endReason?: TelephonyStatusReason;
  recorded: boolean;
  queueCall: boolean;
}

export type LegSkipReason =
  /** No extensionId: a PSTN/external party. */
  | 'external-party'
  /** The directory does not know the extension (deleted, another account, or directory not loaded). */
  | 'unknown-extension'
  /** IVR menu, call queue (Department), park location, ... */
  | 'not-a-user-extension'
  /** A call queue rang this agent and they never answered: another agent took it or the caller left. */
  | 'queue-call-not-answered'
  /** Never answered, and the platform says another agent answered. */
  | 'answered-by-another-agent'
  /** Never answered and forwarded/transferred/redirected away while ringing. */
  | 'forwarded-before-answer'
  /** `Gone`: moved into another session (conference, warm transfer), where the conversation is logged. */
  | 'continued-in-another-session'
  /** Ended with Pickup/CallSwitch and a later party of the same extension carries on (it will produce the leg). */
  | 'continued-on-another-party'
  /** Ended with Pickup/CallSwitch, never answered, and no later party of the same extension by the session's end. */
  | 'picked-up-elsewhere'
  /** Reached the extension but never rang it and was not flagged missed (caller gave up during routing, DND). */
  | 'never-rang'
  /** A fax, not a voice call. */
  | 'fax';

export interface LegSkip {
  skip: LegSkipReason;
  /** E.g. the extension kind for `not-a-user-extension`. */
  detail?: string;
}
