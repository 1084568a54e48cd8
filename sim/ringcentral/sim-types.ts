/** Public data types of the simulator: accounts, notifications, call-log records, expected outcomes. */

export type ExtensionType = 'User' | 'IvrMenu' | 'Department';

export interface ExtensionSpec {
  id?: string;
  extensionNumber?: string;
  firstName?: string;
  lastName?: string;
  /** Display name; defaults to "firstName lastName" (users) or a generated menu/queue name. */
  name?: string;
  email?: string;
  /** Direct (DID) number in E.164. Users get one by default. */
  directNumber?: string;
  admin?: boolean;
  status?: 'Enabled' | 'Disabled' | 'NotActivated';
}

export interface QueueSpec extends ExtensionSpec {
  /** Ids (or extension numbers) of the users the queue rings; default: every user. */
  members?: string[];
}

export interface AccountSpec {
  id?: string;
  /** Company main number (E.164). */
  mainNumber?: string;
  /** Users: a count (generated people) or explicit specs. The first user is the admin unless `admin` is set. */
  users?: number | ExtensionSpec[];
  ivrMenus?: number | ExtensionSpec[];
  queues?: number | QueueSpec[];
  /** App permissions granted to tokens of this account (default: the simulator's scopes). */
  scopes?: string[];
}

export interface SimExtension {
  id: string;
  extensionNumber: string;
  type: ExtensionType;
  name: string;
  firstName: string;
  lastName: string;
  email: string;
  status: 'Enabled' | 'Disabled' | 'NotActivated';
  admin: boolean;
  directNumber?: string;
  /** Call queues only: member user ids. */
  members?: string[];
}

export interface SimAccount {
  id: string;
  mainNumber: string;
  extensions: SimExtension[];
  scopes?: string[];
}

export interface PhoneInfo {
  phoneNumber: string;
  name?: string;
  extensionId?: string;
  deviceId?: string;
}

export interface PartyStatus {
  code: string;
  reason?: string;
  peerId?: { sessionId: string; telephonySessionId: string; partyId: string };
  mobilePickupData?: Record<string, unknown>;
  rcc?: boolean;
}

export interface TelephonyParty {
  accountId: string;
  extensionId?: string;
  id: string;
  direction: 'Inbound' | 'Outbound';
  to: PhoneInfo;
  from: PhoneInfo;
  status: PartyStatus;
  park: Record<string, unknown>;
  missedCall: boolean;
  standAlone: boolean;
  muted: boolean;
  queueCall?: boolean;
  uiCallInfo?: Record<string, unknown>;
  conferenceRole?: 'Host' | 'Participant';
  recordings?: { id: string; active: boolean }[];
  sipData?: { callId: string; toTag: string; fromTag: string };
}

export interface TelephonySessionEventBody {
  sequence: number;
  sessionId: string;
  telephonySessionId: string;
  serverId: string;
  eventTime: string;
  parties: TelephonyParty[];
  origin: { type: string };
}

export interface NotificationEnvelope {
  uuid: string;
  event: string;
  timestamp: string;
  subscriptionId: string;
  ownerId: string;
  body: TelephonySessionEventBody;
}

export interface CallLogParty {
  phoneNumber?: string;
  extensionNumber?: string;
  extensionId?: string;
  name?: string;
  location?: string;
}

export interface CallLogRecord {
  uri: string;
  id: string;
  sessionId: string;
  telephonySessionId: string;
  startTime: string;
  duration?: number;
  durationMs?: number;
  type: 'Voice' | 'Fax';
  internalType?: string;
  direction: 'Inbound' | 'Outbound';
  action: string;
  result: string;
  reason?: string;
  reasonDescription?: string;
  from: CallLogParty;
  to: CallLogParty;
  extension?: { uri: string; id: number };
  recording?: { uri: string; id: string; type: 'Automatic' | 'OnDemand'; contentUri: string };
  message?: { uri: string; id: string; type: 'VoiceMail' };
  transport: 'PSTN' | 'VoIP';
  lastModifiedTime: string;
  legs?: CallLogLeg[];
}

export type CallLogLeg = Omit<CallLogRecord, 'uri' | 'id' | 'legs' | 'lastModifiedTime'> & {
  legType: string;
  master: boolean;
};

export type LegKind = 'answered' | 'missed' | 'voicemail' | 'unanswered' | 'transferred';

/** What the logging service should derive for one agent (user extension party) that ended. */
export interface ExpectedLeg {
  telephonySessionId: string;
  sessionId: string;
  partyId: string;
  extensionId: string;
  /** From the agent's point of view. */
  direction: 'Inbound' | 'Outbound';
  /** E.164 for external parties, the extension number for internal ones. */
  otherPartyNumber: string;
  /** True when the other party is an extension of the same account. */
  internal: boolean;
  kind: LegKind;
  /** First event of the agent's party. */
  startTime: string;
  /** First event of the whole telephony session (call-log records start here). */
  callStartTime: string;
  answerTime?: string;
  endTime: string;
  /** The call-log result text of this agent's leg. */
  result: string;
  recorded: boolean;
}

/** A party of the call that must produce no CRM log. */
export interface NoLegParty {
  telephonySessionId: string;
  partyId: string;
  extensionId?: string;
  extensionType?: ExtensionType | 'PSTN';
  reason: 'ivr' | 'queue' | 'lost-queue-race' | 'gone' | 'pstn';
}

export type ScenarioName =
  | 'inbound-answered'
  | 'inbound-ivr'
  | 'outbound-answered'
  | 'outbound-unanswered'
  | 'missed'
  | 'voicemail'
  | 'internal'
  | 'blind-transfer'
  | 'warm-transfer'
  | 'queue'
  | 'conference';

export interface PlayOptions {
  /** The external (PSTN) party's number: the caller of inbound calls, the callee of outbound ones. */
  externalNumber?: string;
  /** Caller-ID name of the external party. */
  externalName?: string;
  /** Inbound: the number dialled (default: the agent's direct number; the company number for IVR and queue). */
  calledNumber?: string;
  /** The main agent (user extension id). */
  agentId?: string;
  /** The second user (internal callee, transfer target, conference participant). */
  otherAgentId?: string;
  /** Queue: the agents rung (default: the queue's members); a random one answers unless `answeringAgentId` is set. */
  agentIds?: string[];
  answeringAgentId?: string;
  queueId?: string;
  ivrId?: string;
  recorded?: boolean;
  hold?: boolean;
  /** Real milliseconds between two notifications. */
  pace?: number;
  ringSeconds?: number;
  talkSeconds?: number;
  /** Who ends the conversation (default random). */
  hangUpBy?: 'agent' | 'external';
  /** Status spelling used by the voicemail scenario (the platform says Voicemail, the spec VoiceMail). */
  voicemailStatus?: 'Voicemail' | 'VoiceMail';
  /**
   * Start the call but never end it: only the notifications before the first party ends (Disconnected or Gone) are
   * delivered, no call-log record is filed, and the result has no legs. For "calls in flight" (memory benchmark).
   */
  leaveOpen?: boolean;
}

export interface PlayResult {
  scenario: ScenarioName | 'replay';
  accountId: string;
  telephonySessionIds: string[];
  sessionIds: string[];
  legs: ExpectedLeg[];
  noLeg: NoLegParty[];
  callLogRecordIds: string[];
  /** The notification bodies in sequence order, before any delivery perturbation. */
  events: TelephonySessionEventBody[];
  /** Envelopes handed to webhook receivers for this call, in the order they were sent (duplicates included). */
  delivered: NotificationEnvelope[];
  /** Envelopes that the drop knob removed. */
  dropped: NotificationEnvelope[];
  /** When the last event of the call happened (ISO). */
  endTime: string;
}
