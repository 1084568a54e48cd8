import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { ConnectorContext, CreateCallLogArgs, CreateContactArgs, FindContactArgs, UpdateCallLogArgs } from '../crm-connector';
import type { TemplateContext } from './proxy-template';

// The template variables of each operation. These names are a public interface: configs written for App Connect
// use them, so they follow App Connect's proxy engine (packages/core/connector/proxy) and only add to it.

/** Every name the service itself puts at the top level of some operation's context. */
export const CONTEXT_VARIABLES = [
  // findContact
  'phoneNumber', 'parsedPhoneNumber', 'overridingFormat', 'isExtension',
  // createContact
  'newContactName', 'newContactType',
  // createCallLog / updateCallLog
  'user', 'contactInfo', 'callLog', 'subject', 'composedLogDetails', 'note', 'appendNote', 'startTime', 'endTime',
  'duration', 'result', 'recordingLink', 'legs', 'additionalSubmission', 'rcExtensionId', 'thirdPartyLogId',
  'existingCallLog',
  // every operation
  'accountId', 'hashedAccountId', 'isFromSSCL', 'idempotencyKey', 'authHeader',
] as const;

/**
 * Names App Connect provides in some operation that this service never fills (they render as missing). Listed so
 * that a config written for App Connect that mentions them does not get them mistaken for settings fields.
 */
export const APP_CONNECT_ONLY_VARIABLES = [
  'aiNote', 'transcript', 'voicemailLink', 'voicemailMessageId', 'recordingDownloadLink', 'existingCallLogDetails',
  'ringSenseTranscript', 'ringSenseSummary', 'ringSenseAIScore', 'ringSenseBulletedSummary', 'ringSenseLink',
  'contactId', 'userId', 'platform', 'name', 'dispositions', 'message', 'creationTime', 'existingMessageLog',
  'faxDocLink', 'faxDownloadLink', 'imageLink', 'videoLink', 'additionalInfo', 'userEmail',
] as const;

const RESERVED = new Set<string>([...CONTEXT_VARIABLES, ...APP_CONNECT_ONLY_VARIABLES]);

/** True for a name some operation's context defines, false for one that must come from the settings. */
export function isContextVariable(name: string): boolean {
  return RESERVED.has(name);
}

/**
 * The base of every context: the account's server-logging settings at the top level (`{{apiKey}}`), under the
 * service's own names so a setting can never shadow them.
 */
export function baseContext(ctx: ConnectorContext, settings: Readonly<Record<string, string>>, authHeader?: string): Record<string, unknown> {
  const fromSettings = Object.fromEntries(Object.entries(settings).filter(([key]) => !RESERVED.has(key)));
  return {
    ...fromSettings,
    accountId: ctx.accountId,
    hashedAccountId: ctx.hashedAccountId,
    ...(authHeader !== undefined && { authHeader }),
  };
}

/**
 * `parsedPhoneNumber`, shaped like App Connect's (awesome-phonenumber's parse result) so configs can use
 * `{{parsedPhoneNumber.number.national}}`, `{{parsedPhoneNumber.regionCode}}` etc.
 */
export function parsedPhoneNumber(phoneNumber: string): Record<string, unknown> {
  const parsed = phoneNumber.startsWith('+') ? parsePhoneNumberFromString(phoneNumber) : undefined;
  if (!parsed) return { valid: false, possible: false, number: { input: phoneNumber } };
  return {
    valid: parsed.isValid(),
    possible: parsed.isPossible(),
    regionCode: parsed.country,
    countryCode: Number(parsed.countryCallingCode),
    type: parsed.getType(),
    number: {
      input: phoneNumber,
      e164: parsed.number,
      international: parsed.formatInternational(),
      national: parsed.formatNational(),
      rfc3966: parsed.getURI(),
      significant: String(parsed.nationalNumber),
    },
  };
}

export function findContactContext(base: Record<string, unknown>, args: FindContactArgs): TemplateContext {
  return {
    ...base,
    phoneNumber: args.phoneNumber,
    parsedPhoneNumber: parsedPhoneNumber(args.phoneNumber),
    overridingFormat: args.overridingFormat ?? '',
    isExtension: args.isExtension ?? false,
  };
}

export function createContactContext(base: Record<string, unknown>, args: CreateContactArgs): TemplateContext {
  return {
    ...base,
    phoneNumber: args.phoneNumber,
    parsedPhoneNumber: parsedPhoneNumber(args.phoneNumber),
    newContactName: args.newContactName,
    newContactType: args.newContactType,
    idempotencyKey: args.idempotencyKey,
  };
}

export function createCallLogContext(base: Record<string, unknown>, args: CreateCallLogArgs): TemplateContext {
  const { callLog } = args;
  const times = callTimes(callLog.startTime, callLog.duration);
  return {
    ...base,
    user: { ...args.user },
    contactInfo: { ...args.contactInfo },
    callLog: { ...callLog, customSubject: args.subject },
    subject: args.subject,
    composedLogDetails: args.composedLogDetails,
    note: args.note,
    ...times,
    duration: callLog.duration,
    result: callLog.result,
    recordingLink: callLog.recording?.link,
    legs: callLog.legs,
    additionalSubmission: { ...args.additionalSubmission },
    rcExtensionId: args.rcExtensionId,
    hashedAccountId: args.hashedAccountId,
    isFromSSCL: true,
    idempotencyKey: args.idempotencyKey,
  };
}

export function updateCallLogContext(base: Record<string, unknown>, args: UpdateCallLogArgs): TemplateContext {
  const { callLog } = args;
  const duration = args.duration ?? callLog?.duration;
  return {
    ...base,
    thirdPartyLogId: args.thirdPartyLogId,
    existingCallLog: { thirdPartyLogId: args.thirdPartyLogId },
    user: { ...args.user },
    ...(callLog && { callLog: { ...callLog } }),
    subject: args.subject,
    note: args.note,
    appendNote: args.appendNote,
    composedLogDetails: args.composedLogDetails,
    ...callTimes(callLog?.startTime, duration),
    duration,
    result: args.result ?? callLog?.result,
    recordingLink: args.recordingLink ?? callLog?.recording?.link,
    legs: callLog?.legs,
    isFromSSCL: true,
    idempotencyKey: args.idempotencyKey,
  };
}

/** ISO start and end (start + duration seconds), as App Connect's proxy computes them; undefined when unknown. */
function callTimes(startTime: string | number | undefined, duration: unknown): { startTime?: string; endTime?: string } {
  if (startTime === undefined) return {};
  const start = typeof startTime === 'number' ? startTime : Date.parse(startTime);
  if (!Number.isFinite(start)) return {};
  const seconds = typeof duration === 'number' && Number.isFinite(duration) ? duration : undefined;
  return {
    startTime: new Date(start).toISOString(),
    ...(seconds !== undefined && { endTime: new Date(start + seconds * 1000).toISOString() }),
  };
}
