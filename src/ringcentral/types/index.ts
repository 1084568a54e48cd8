export type {
  PartyDirection,
  TelephonyNotification,
  TelephonyNotificationParseError,
  TelephonyOriginType,
  TelephonyParty,
  TelephonyPartyEndpoint,
  TelephonyPartyStatus,
  TelephonyPeerId,
  TelephonyRecording,
  TelephonySessionEventBody,
  KnownTelephonyStatusCode,
  TelephonyStatusCode,
  TelephonyStatusReason,
  TelephonyUiCallInfo,
} from './telephony-event.types';
export { TELEPHONY_STATUS_CODES, canonicalStatusCode, normalizeStatusCode } from './telephony-event.types';
export { MAX_ID_LENGTH, isTelephonyNotificationParseError, parseTelephonyNotification } from './telephony-notification.parser';
export type {
  CallLogAction,
  CallLogBilling,
  CallLogCallerInfo,
  CallLogDirection,
  CallLogEntryBase,
  CallLogExtensionRef,
  CallLogLeg,
  CallLogLegType,
  CallLogMessage,
  CallLogPage,
  CallLogRecord,
  CallLogRecording,
  CallLogResult,
  CallLogTransport,
  CallLogType,
  CallLogView,
  DetailedCallLogRecord,
} from './call-record.types';
export type { ExtensionDirectory, ExtensionKind } from './extension.types';
