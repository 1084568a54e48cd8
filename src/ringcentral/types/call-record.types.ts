/**
 * Call-log records (`GET /account/~/call-log`, `/extension/{id}/call-log`, `/call-log/{id}`, `active-calls`) as in
 * docs/ringcentral.md §4.2 and the shared call-log fixtures. The API adds enum values over time, so the enums are
 * open (`| (string & {})`): known values autocomplete, new ones still type-check.
 */

export type CallLogView = 'Simple' | 'Detailed';

export type CallLogDirection = 'Inbound' | 'Outbound';

export type CallLogType = 'Voice' | 'Fax' | (string & {});

export type CallLogTransport = 'PSTN' | 'VoIP' | (string & {});

/** The `result` text of a record or leg (about 45 values in the spec; the common ones listed). */
export type CallLogResult =
  | 'Accepted'
  | 'Call connected'
  | 'In Progress'
  | 'Missed'
  | 'Voicemail'
  | 'Sent to Voicemail'
  | 'No Answer'
  | 'Busy'
  | 'Rejected'
  | 'Declined'
  | 'Hang Up'
  | 'Abandoned'
  | 'Answered Elsewhere'
  | 'Answered Not Accepted'
  | 'Reply'
  | 'Blocked'
  | 'Call Failed'
  | 'Call Failure'
  | 'Internal Error'
  | 'No Calling Credit'
  | 'Wrong Number'
  | 'International Disabled'
  | 'International Restricted'
  | 'Stopped'
  | 'Unknown'
  | (string & {});

export type CallLogAction =
  | 'Phone Call'
  | 'VoIP Call'
  | 'Accept Call'
  | 'FindMe'
  | 'FollowMe'
  | 'Hunting'
  | 'Transfer'
  | 'Call Park'
  | 'Park Location'
  | 'Monitoring'
  | 'Conference Call'
  | 'RingMe'
  | 'RingOut Web'
  | 'RingOut PC'
  | 'RingOut Mobile'
  | 'Incoming Fax'
  | 'Outgoing Fax'
  | (string & {});

/** Detailed view only; there is no voicemail leg type. */
export type CallLogLegType =
  | 'Accept'
  | 'PstnToSip'
  | 'SipToPstnMetered'
  | 'SipToPstnUnmetered'
  | 'SipForwarding'
  | 'FindMe'
  | 'FollowMe'
  | 'TransferCall'
  | 'Hunting'
  | 'CallPark'
  | 'ParkLocation'
  | 'Pickup'
  | 'ConferenceCall'
  | 'ExtensionToExtension'
  | 'Monitoring'
  | 'MobileApp'
  | 'MoveToConference'
  | 'RingOutWebToSubscriber'
  | 'RingOutWebToCaller'
  | 'RingOutClientToSubscriber'
  | 'RingOutClientToCaller'
  | 'RingOutDeviceToSubscriber'
  | 'RingOutDeviceToCaller'
  | 'RingOutOneLegToCaller'
  | 'Unknown'
  | (string & {});

export interface CallLogCallerInfo {
  phoneNumber?: string;
  extensionNumber?: string;
  extensionId?: string;
  name?: string;
  location?: string;
  device?: { id: string; uri?: string };
  dialerPhoneNumber?: string;
}

export interface CallLogRecording {
  id: string;
  uri: string;
  type: 'Automatic' | 'OnDemand' | (string & {});
  /** On `media.ringcentral.com`; needs an access token to download. */
  contentUri: string;
}

/** Voice mail or fax attached to the record; may appear later than the record itself. */
export interface CallLogMessage {
  id: string;
  type: 'VoiceMail' | 'Fax' | (string & {});
  uri: string;
}

export interface CallLogBilling {
  costIncluded: number;
  costPurchased: number;
}

/** The involved extension; `id` is a number here, unlike the string ids of telephony events. */
export interface CallLogExtensionRef {
  id: number;
  uri: string;
}

/** Fields a record and each of its legs have in common. */
export interface CallLogEntryBase {
  startTime: string;
  /** Seconds; absent while the call is in progress. */
  duration?: number;
  durationMs?: number;
  type: CallLogType;
  internalType?: string;
  direction: CallLogDirection;
  action: CallLogAction;
  result: CallLogResult;
  reason?: string;
  reasonDescription?: string;
  from?: CallLogCallerInfo;
  to?: CallLogCallerInfo;
  recording?: CallLogRecording;
  /** Set (true) when the recording was too short to be kept. */
  shortRecording?: boolean;
  message?: CallLogMessage;
  telephonySessionId?: string;
  transport?: CallLogTransport;
  billing?: CallLogBilling;
  delegate?: { id: string; name?: string };
  partyId?: string;
  transferTarget?: { telephonySessionId?: string };
  transferee?: { telephonySessionId?: string };
}

/** Simple view: one line per call. */
export interface CallLogRecord extends CallLogEntryBase {
  uri: string;
  /** Opaque id such as `VgLcd1KWffJVzUA`; the same id is used by active-calls while the call is in progress. */
  id: string;
  sessionId: string;
  lastModifiedTime?: string;
  extension?: CallLogExtensionRef;
  deleted?: boolean;
}

export interface CallLogLeg extends CallLogEntryBase {
  legType: CallLogLegType;
  /** On the account call log this is the reliable way to find the involved extension (docs/ringcentral.md §4.2). */
  extension?: CallLogExtensionRef;
  master?: boolean;
}

/** Detailed view: the record plus its legs. */
export interface DetailedCallLogRecord extends CallLogRecord {
  legs: CallLogLeg[];
}

export interface CallLogPage<R extends CallLogRecord = CallLogRecord> {
  uri: string;
  records: R[];
  paging: { page?: number; perPage?: number; pageStart?: number; pageEnd?: number; totalPages?: number };
  navigation: {
    firstPage?: { uri: string };
    nextPage?: { uri: string };
    previousPage?: { uri: string };
    lastPage?: { uri: string };
  };
}
