import type { LoggingPayload } from './plugin.types';

// What a sync plugin may hand back. The contract says the answer is the bare payload, to be passed on as it is;
// App Connect checks nothing and a plugin that drops `logInfo` breaks every later step. Here the answer replaces the
// payload only if it still has what logging needs, with the same JSON types; otherwise the plugin's change is
// rejected and its failure policy applies.

export type SyncAnswerCheck = { ok: true; payload: LoggingPayload } | { ok: false; reason: string };

/** Fields of a call payload that logging reads, with the JSON type each must keep. */
const CALL_FIELDS = ['logInfo', 'rcExtensionId', 'contactId', 'contactName', 'contactType', 'note', 'additionalSubmission'] as const;
const LOG_INFO_FIELDS = ['sessionId', 'telephonySessionId', 'direction', 'startTime', 'duration', 'result', 'from', 'to'] as const;
/** The note becomes part of the CRM body; a plugin must not turn it into something no CRM accepts. */
export const MAX_NOTE_LENGTH = 64 * 1024;

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

const isObject = (value: unknown): value is Record<string, unknown> => jsonType(value) === 'object';

function sameType(field: string, sent: unknown, answered: unknown): string | undefined {
  if (answered === undefined) return `${field} is missing`;
  const expected = jsonType(sent);
  const actual = jsonType(answered);
  return expected === actual ? undefined : `${field} must stay ${expected === 'object' ? 'an object' : `a ${expected}`} (got ${actual})`;
}

/**
 * Checks a sync plugin's answer against the payload it was sent. Rules: a JSON object, not the request envelope;
 * every top-level field that was sent is still there (the contract's "do not remove required data"); the fields
 * logging reads keep their JSON types; `note` is a string of at most MAX_NOTE_LENGTH characters;
 * `logInfo.direction` is still Inbound/Outbound; `logInfo.customSubject`, when present, is a string.
 */
export function checkSyncAnswer(sent: LoggingPayload, answer: unknown): SyncAnswerCheck {
  if (!isObject(answer)) return { ok: false, reason: `the answer is ${jsonType(answer) === 'undefined' ? 'empty' : `a JSON ${jsonType(answer)}`}, not the logging payload` };
  if ('data' in answer && !('data' in sent) && !('logInfo' in answer)) {
    return { ok: false, reason: 'the answer is the request envelope {data, config}; a sync plugin must answer the payload itself' };
  }
  for (const key of Object.keys(sent)) {
    if (!(key in answer)) return { ok: false, reason: `${key} is missing` };
  }
  for (const field of CALL_FIELDS) {
    if (!(field in sent)) continue;
    const problem = sameType(field, sent[field], answer[field]);
    if (problem) return { ok: false, reason: problem };
  }
  if (typeof answer.note === 'string' && answer.note.length > MAX_NOTE_LENGTH) {
    return { ok: false, reason: `note is longer than ${MAX_NOTE_LENGTH} characters` };
  }
  const sentInfo = sent.logInfo;
  const info = answer.logInfo;
  if (isObject(sentInfo) && isObject(info)) {
    for (const field of LOG_INFO_FIELDS) {
      if (!(field in sentInfo)) continue;
      const problem = sameType(`logInfo.${field}`, sentInfo[field], info[field]);
      if (problem) return { ok: false, reason: problem };
    }
    if ('direction' in sentInfo && info.direction !== 'Inbound' && info.direction !== 'Outbound') {
      return { ok: false, reason: 'logInfo.direction must stay Inbound or Outbound' };
    }
    if (info.customSubject !== undefined && typeof info.customSubject !== 'string') {
      return { ok: false, reason: 'logInfo.customSubject must be a string' };
    }
  }
  if (isObject(sent.additionalSubmission) && isObject(answer.additionalSubmission)) {
    const sentFlag = sent.additionalSubmission.isAssignedToUser;
    if (sentFlag !== undefined) {
      const problem = sameType('additionalSubmission.isAssignedToUser', sentFlag, answer.additionalSubmission.isAssignedToUser);
      if (problem) return { ok: false, reason: problem };
    }
  }
  return { ok: true, payload: answer };
}

/** Top-level fields whose JSON differs between two payloads (what a plugin changed), in the answer's order. */
export function changedFields(before: LoggingPayload, after: LoggingPayload): string[] {
  const keys = new Set([...Object.keys(after), ...Object.keys(before)]);
  return [...keys].filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
}

/**
 * What the pipeline takes from the payload after the sync chain (README.md "Honoured fields"): the note (composed
 * into the log body), the subject (`logInfo.customSubject`) and additionalSubmission. Everything else that plugins
 * may have changed (contact, call facts) is ignored: those come from RingCentral and the contact policy.
 */
export function honouredFields(payload: LoggingPayload): { note: string; subject?: string; additionalSubmission?: Record<string, unknown> } {
  const info = isObject(payload.logInfo) ? payload.logInfo : {};
  const subject = typeof info.customSubject === 'string' && info.customSubject.trim() !== '' ? info.customSubject : undefined;
  return {
    note: typeof payload.note === 'string' ? payload.note : '',
    ...(subject !== undefined && { subject }),
    ...(isObject(payload.additionalSubmission) && { additionalSubmission: payload.additionalSubmission }),
  };
}
