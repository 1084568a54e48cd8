// Argument and result shapes of the connector contract (ARCHITECTURE.md §7). Names follow App Connect's connector
// interfaces (findContact, createCallLog, updateCallLog, getUserList, getServerLoggingSettings, ...) so connector
// authors recognise them; where App Connect wraps results ({matchedContactInfo}, {logId, returnMessage}) we return
// the payload and signal failure by throwing ConnectorError instead.

/** A connector's per-account configuration as the admin entered it (e.g. `{ baseUrl }`); validated by the connector. */
export type ConnectorConfig = Readonly<Record<string, unknown>>;

/**
 * Everything a connector knows about the account it is working for. Connectors are stateless singletons shared by
 * every account, so this comes in with every call and nothing from it is kept.
 */
export interface ConnectorContext {
  /** Raw RingCentral account id. */
  accountId: string;
  /** App Connect-compatible hash of the account id (CryptoService.hashId). */
  hashedAccountId: string;
  config: ConnectorConfig;
  /** The account's server-logging settings (manifest additionalFields values), decrypted by the caller. */
  serverLoggingSettings: Readonly<Record<string, string>>;
  /** Cancels in-flight CRM requests (shutdown, job timeout); combined with the per-request timeout. */
  signal?: AbortSignal;
}

export type LogFormat = 'text/plain' | 'text/html' | 'text/markdown';

/** App Connect's `additionalFields` item types; open so newer ones still type-check. */
export type AdditionalFieldType = 'inputField' | 'password' | 'selection' | 'checkbox' | (string & {});

export interface AdditionalField {
  /** The key the value is stored and passed under. */
  const: string;
  title: string;
  type: AdditionalFieldType;
  required: boolean;
  description?: string;
  /** Passed through to admin UIs unchanged. */
  uiSchema?: Record<string, unknown>;
}

export interface ConnectorManifest {
  name: string;
  displayName: string;
  /** Format of `composedLogDetails` the logging pipeline hands to createCallLog/updateCallLog. */
  logFormat: LogFormat;
  serverSideLogging: {
    additionalFields: AdditionalField[];
    /** True when the connector implements getUserList, so RingCentral extensions can be mapped to CRM users. */
    enableUserMapping: boolean;
  };
  /**
   * Extra forms findContact should try besides E.164, for CRMs that match phone numbers as text: a name from
   * PHONE_NUMBER_FORMATS (`national` -> `(650) 555-0101`) or an App Connect mask (`***-***-****`). See phone-forms.ts.
   */
  phoneNumberFormats?: string[];
  /** The CRM refuses call logs without a contact (App Connect): "log without a contact" then creates one, or skips. */
  requiresContact?: boolean;
}

export interface ContactMatch {
  id: string;
  name: string;
  phone?: string;
  type?: string;
  /** ISO 8601; used by the "earliest created" multi-match policy. */
  createdDate?: string;
  /** ISO 8601; used by the "most recent activity" multi-match policy. */
  mostRecentActivityDate?: string;
  additionalInfo?: Record<string, unknown>;
}

/** The CRM user who will own the record (after user mapping). */
export interface CrmOwner {
  id: string;
  name?: string;
  email?: string;
}

export interface CrmUserSummary {
  id: string;
  name: string;
  email?: string;
}

export interface CallContactInfo {
  /** Absent when no contact matched and the admin allows logging without one. */
  id?: string | null;
  name?: string;
  /** The other party's number, E.164. */
  phoneNumber: string;
  type?: string;
}

export interface RcCallParty {
  phoneNumber?: string;
  name?: string;
  extensionNumber?: string;
  extensionId?: string;
  location?: string;
}

export interface RcCallLeg {
  legType?: string;
  master?: boolean;
  direction?: 'Inbound' | 'Outbound';
  action?: string;
  result?: string;
  startTime?: string;
  duration?: number;
  from?: RcCallParty;
  to?: RcCallParty;
}

/** The RingCentral call-record shape App Connect passes as `callLog` (its `logInfo`). */
export interface RcCallLog {
  id?: string;
  sessionId: string;
  telephonySessionId: string;
  direction: 'Inbound' | 'Outbound';
  /** ISO 8601. */
  startTime: string;
  /** Seconds. */
  duration: number;
  result: string;
  from: RcCallParty;
  to: RcCallParty;
  recording?: { id?: string; link?: string; contentUri?: string; type?: string };
  legs?: RcCallLeg[];
  [extra: string]: unknown;
}

export interface AdditionalSubmission {
  isAssignedToUser: boolean;
  /** Raw RingCentral extension id of the agent the record is assigned to. */
  adminAssignedUserRcId?: string;
  [extra: string]: unknown;
}

interface WithAuth {
  ctx: ConnectorContext;
  /** From getAuthHeader; send it as `Authorization`. */
  authHeader: string;
}

export interface FindContactArgs extends WithAuth {
  /** E.164. */
  phoneNumber: string;
  /** App Connect's comma-separated masks (`(***) ***-****,***-***-****`), tried after the manifest's forms. */
  overridingFormat?: string;
  /** The number is a RingCentral extension number, not a phone number. */
  isExtension?: boolean;
}

export interface CreateContactArgs extends WithAuth {
  phoneNumber: string;
  newContactName: string;
  newContactType?: string;
  idempotencyKey?: string;
}

export interface CreateCallLogArgs extends WithAuth {
  user: CrmOwner;
  contactInfo: CallContactInfo;
  callLog: RcCallLog;
  subject: string;
  /** The agent's note; already part of composedLogDetails when the admin's settings include it. */
  note?: string;
  additionalSubmission: AdditionalSubmission;
  /** The log body, composed in the manifest's logFormat. */
  composedLogDetails: string;
  hashedAccountId: string;
  isFromSSCL: true;
  /** Raw RingCentral extension id of the agent whose leg this is. */
  rcExtensionId: string;
  /** Stable per (telephony session, extension): the same key on every retry of the same log. */
  idempotencyKey: string;
}

export interface CreateCallLogResult {
  logId: string;
}

export interface UpdateCallLogArgs extends WithAuth {
  /** The CRM's id of the log (createCallLog's logId). */
  thirdPartyLogId: string;
  user: CrmOwner;
  subject?: string;
  /** Replaces the note. */
  note?: string;
  /** Added to the note on a new line. Not idempotent on CRMs without keys for updates. */
  appendNote?: string;
  composedLogDetails?: string;
  callLog?: Partial<RcCallLog>;
  recordingLink?: string;
  duration?: number;
  result?: string;
  idempotencyKey?: string;
}

export interface GetCallLogArgs extends WithAuth {
  thirdPartyLogId: string;
}

/** The log as the CRM holds it now (App Connect's `getCallLog` -> `callLogInfo`), people's edits included. */
export interface CallLogInfo {
  subject?: string;
  note?: string;
  /** The whole body, which a staged update composes onto (replacing only the service's own sections). */
  fullBody?: string;
}

export interface UpdateCallLogResult {
  updatedNote?: string;
}

export type GetUserListArgs = WithAuth;
export type GetLicenseStatusArgs = WithAuth;

export interface LicenseStatus {
  isLicenseValid: boolean;
  licenseStatus: string;
  licenseStatusDescription: string;
}

export interface ServerLoggingSettingsUpdateResult {
  successful: boolean;
  returnMessage?: string;
}
