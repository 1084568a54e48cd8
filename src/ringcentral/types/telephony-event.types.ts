/**
 * Telephony-session notifications as RingCentral delivers them to an account-level subscription
 * (`/restapi/v1.0/account/~/telephony/sessions`), WebHook or WebSocket alike. Shapes follow the real payloads in
 * the shared fixtures and docs/ringcentral.md §3; `parseTelephonyNotification` turns untrusted JSON into them.
 */

/** Every status code of the current API spec. The platform spells voice mail `Voicemail`, the spec `VoiceMail`. */
export const TELEPHONY_STATUS_CODES = [
  'Setup',
  'Proceeding',
  'Answered',
  'Disconnected',
  'Gone',
  'Parked',
  'Hold',
  'Voicemail',
  'VoiceMailScreening',
  'FaxReceive',
  'Tds',
] as const;

/** Canonical spelling; the parser maps any casing (`VoiceMail`, `voicemail`) onto it. */
export type KnownTelephonyStatusCode = (typeof TELEPHONY_STATUS_CODES)[number];

/**
 * A party's status code: one of the spec's, in canonical spelling, or a code the platform added since, kept as it
 * came (RingCentral changes its payloads without notice; such a party simply does not count as ended).
 */
export type TelephonyStatusCode = KnownTelephonyStatusCode | (string & {});

const STATUS_BY_LOWER_CASE: ReadonlyMap<string, KnownTelephonyStatusCode> = new Map(
  TELEPHONY_STATUS_CODES.map((code) => [code.toLowerCase(), code]),
);

/** Case-insensitive lookup (docs/ringcentral.md §3.4: `Voicemail` vs `VoiceMail`); undefined for codes the spec does not know. */
export function normalizeStatusCode(code: string): KnownTelephonyStatusCode | undefined {
  return STATUS_BY_LOWER_CASE.get(code.toLowerCase());
}

/** The canonical spelling of a known code, or the code as it came. */
export function canonicalStatusCode(code: string): TelephonyStatusCode {
  return normalizeStatusCode(code) ?? code;
}

/** Disconnect / Gone reasons of the spec (docs/ringcentral.md §3.3). A normal hang-up has no reason at all. */
export type TelephonyStatusReason =
  | 'Pickup'
  | 'Supervising'
  | 'TakeOver'
  | 'Timeout'
  | 'BlindTransfer'
  | 'RccTransfer'
  | 'AttendedTransfer'
  | 'CallerInputRedirect'
  | 'CallFlip'
  | 'ParkLocation'
  | 'DtmfTransfer'
  | 'AgentAnswered'
  | 'AgentDropped'
  | 'Rejected'
  | 'Cancelled'
  | 'InternalError'
  | 'NoAnswer'
  | 'TargetBusy'
  | 'InvalidNumber'
  | 'InternationalDisabled'
  | 'DestinationBlocked'
  | 'NotEnoughFunds'
  | 'NoSuchUser'
  | 'CallPark'
  | 'CallRedirected'
  | 'CallReplied'
  | 'CallSwitch'
  | 'CallFinished'
  | 'CallDropped'
  | 'Voicemail'
  // The reason list grows with the platform; unknown reasons are kept verbatim.
  | (string & {});

/** Technical direction of one party: the caller's party is Outbound, the callee's Inbound (docs/ringcentral.md §3.3). */
export type PartyDirection = 'Inbound' | 'Outbound';

export interface TelephonyPartyEndpoint {
  /** E.164 for external numbers; a short extension number (`"102"`) on internal calls. Absent when withheld. */
  phoneNumber?: string;
  /** May only appear later in the flow (caller-ID lookup). */
  name?: string;
  extensionId?: string;
  /** On the originating extension's side; not in the spec but in real data. */
  deviceId?: string;
}

/** `{sessionId, telephonySessionId, partyId}` of the session a `Gone` party moved to. */
export interface TelephonyPeerId {
  sessionId?: string;
  telephonySessionId?: string;
  partyId?: string;
}

export interface TelephonyPartyStatus {
  code: TelephonyStatusCode;
  reason?: TelephonyStatusReason;
  description?: string;
  /** `false` in all 2020+ real events, absent in 2019 ones. */
  rcc?: boolean;
  peerId?: TelephonyPeerId;
  parkData?: Record<string, unknown>;
  mobilePickupData?: Record<string, unknown>;
}

export interface TelephonyRecording {
  id: string;
  active: boolean;
}

export interface TelephonyUiCallInfo {
  primary?: { type?: string; value?: string };
  additional?: { type?: string; value?: string };
}

export interface TelephonyParty {
  /** `p-<session hex>-<n>`, globally unique. */
  id: string;
  accountId: string;
  /** Only on parties that belong to an extension (user, IVR menu, queue...); absent for PSTN/external parties. */
  extensionId?: string;
  direction: PartyDirection;
  from: TelephonyPartyEndpoint;
  to: TelephonyPartyEndpoint;
  status: TelephonyPartyStatus;
  missedCall: boolean;
  /** `true` on agent parties rung by a call queue, absent otherwise. */
  queueCall?: boolean;
  standAlone: boolean;
  muted: boolean;
  park?: { id?: string };
  recordings?: TelephonyRecording[];
  conferenceRole?: 'Host' | 'Participant' | (string & {});
  ringOutRole?: string;
  ringMeRole?: string;
  uiCallInfo?: TelephonyUiCallInfo;
  sipData?: Record<string, unknown>;
}

export type TelephonyOriginType =
  | 'Call'
  | 'RingOut'
  | 'RingMe'
  | 'Conference'
  | 'GreetingsRecording'
  | 'VerificationCall'
  | 'Zoom'
  | 'CallOut'
  | 'TestCall'
  | (string & {});

export interface TelephonySessionEventBody {
  /** Per telephony session, increasing across all its parties (2, 3, ... in every captured flow). */
  sequence: number;
  /** Legacy numeric session id, also on call-log records. */
  sessionId: string;
  /** `s-...`; the key of the whole call and of its call-log record. */
  telephonySessionId: string;
  serverId?: string;
  /** Time of this state change; use it, not the envelope `timestamp`, for durations. */
  eventTime: string;
  origin?: { type: TelephonyOriginType };
  /** Exactly one party (the one that changed) in every real notification seen. */
  parties: TelephonyParty[];
}

export interface TelephonyNotification {
  /** Notification id (a decimal string in real data); the de-duplication key of a delivery. */
  uuid: string;
  /** The filter path matched: the extension path for extension parties, the account path for PSTN parties. */
  event: string;
  /** When the notification was sent (not needed for folding: absent when missing or malformed). */
  timestamp?: string;
  subscriptionId: string;
  /** Extension id of the subscription owner, not of the party (absent when missing or malformed). */
  ownerId?: string;
  body: TelephonySessionEventBody;
}

/** What `parseTelephonyNotification` returns for input that is not a usable telephony-session notification. */
export interface TelephonyNotificationParseError {
  error: string;
  /** Path of the offending field, e.g. `body.parties[0].status.code`; `$` for the whole value. */
  field: string;
}
