import type { CallLogCallerInfo, CallLogEntryBase, DetailedCallLogRecord } from '../ringcentral/types';

/**
 * One extension's part of a call-log record, keyed like the legs the telephony events make — (account,
 * telephonySessionId, extension) — so both paths land on the same call_logs row.
 */
export interface RecordLeg {
  telephonySessionId: string;
  sessionId: string;
  extensionId: string;
  recordId: string;
  partyId?: string;
  direction: 'Inbound' | 'Outbound';
  result: string;
  /** Seconds, RingCentral's count. */
  duration: number;
  startTime: Date;
  endTime: Date;
  kind: 'answered' | 'missed' | 'voicemail' | 'unanswered';
  internal: boolean;
  otherNumber?: string;
  otherName?: string;
  agentNumber?: string;
  recordingLink?: string;
  voicemailLink?: string;
}

/** App Connect's voicemail link: RingCentral's Media Reader around the message's URI. */
export const MEDIA_READER = 'https://ringcentral.github.io/ringcentral-media-reader/?media=';

/** Final: the call is over (`result` not "In Progress") and RingCentral has counted its duration. */
export function isFinalRecord(record: Pick<CallLogEntryBase, 'result' | 'duration'>): boolean {
  return record.result !== 'In Progress' && typeof record.duration === 'number';
}

/** A call the call log shows still going, and the extensions on it so far. */
export interface InProgressCall {
  telephonySessionId: string;
  startTime: Date;
  extensionIds: string[];
}

/**
 * A record that is not final yet (RingCentral lists a call in progress as `result: "In Progress"` without duration):
 * the sync remembers it so that it reads the call's final record later, however long the call lasts.
 */
export function inProgressCall(record: DetailedCallLogRecord): InProgressCall | undefined {
  if (isFinalRecord(record) || !record.telephonySessionId) return undefined;
  const startTime = new Date(record.startTime);
  if (Number.isNaN(startTime.getTime())) return undefined;
  const ids = [record.extension?.id, ...(record.legs ?? []).map((l) => l.extension?.id)].filter((id) => id !== undefined).map(String);
  return { telephonySessionId: record.telephonySessionId, startTime, extensionIds: [...new Set(ids)] };
}

/**
 * The agent legs of a final record: every extension in `legs[].extension.id` (on the account call log the reliable
 * place, per App Connect) and the record's own `extension.id`. The record's extension gets the record's values
 * (duration, result, recording, voicemail message); another extension gets those of its first leg.
 */
export function recordLegs(record: DetailedCallLogRecord): RecordLeg[] {
  if (!isFinalRecord(record) || !record.telephonySessionId) return [];
  const byExtension = new Map<string, CallLogEntryBase>();
  for (const leg of record.legs ?? []) {
    if (leg.extension?.id === undefined) continue;
    const id = String(leg.extension.id);
    // An extension's first leg is its part of the call (a forwarded call adds a PstnToSip leg of the same extension).
    if (!byExtension.has(id)) byExtension.set(id, leg);
  }
  if (record.extension?.id !== undefined) byExtension.set(String(record.extension.id), record);
  const out: RecordLeg[] = [];
  for (const [extensionId, entry] of byExtension) {
    if (typeof entry.duration !== 'number') continue;
    const own = entry === record;
    const direction = entry.direction === 'Outbound' ? 'Outbound' : 'Inbound';
    const agent = direction === 'Inbound' ? entry.to : entry.from;
    const other = direction === 'Inbound' ? entry.from : entry.to;
    const start = new Date(entry.startTime);
    const recording = entry.recording ?? (own ? undefined : record.recording);
    out.push({
      telephonySessionId: record.telephonySessionId,
      sessionId: record.sessionId,
      extensionId,
      recordId: record.id,
      ...(entry.partyId && { partyId: entry.partyId }),
      direction,
      result: entry.result,
      duration: entry.duration,
      startTime: start,
      endTime: new Date(start.getTime() + entry.duration * 1000),
      kind: kindOf(entry.result, direction),
      internal: isInternal(other),
      ...(other?.phoneNumber || other?.extensionNumber ? { otherNumber: other.phoneNumber ?? other.extensionNumber } : {}),
      ...(other?.name && { otherName: other.name }),
      ...(agent?.phoneNumber && { agentNumber: agent.phoneNumber }),
      ...(recording?.contentUri && entry.result !== 'Missed' && { recordingLink: recording.contentUri }),
      ...(own && record.message?.type === 'VoiceMail' && record.message.uri && { voicemailLink: `${MEDIA_READER}${encodeURIComponent(record.message.uri)}` }),
    });
  }
  return out;
}

function kindOf(result: string, direction: 'Inbound' | 'Outbound'): RecordLeg['kind'] {
  if (result === 'Voicemail' || result === 'Sent to Voicemail') return 'voicemail';
  if (result === 'Missed' || (direction === 'Inbound' && (result === 'No Answer' || result === 'Hang Up' || result === 'Abandoned'))) return 'missed';
  if (direction === 'Outbound' && ['No Answer', 'Busy', 'Rejected', 'Declined', 'Hang Up'].includes(result)) return 'unanswered';
  return 'answered';
}

/** The other side is another extension of the account, not a phone number. */
function isInternal(other: CallLogCallerInfo | undefined): boolean {
  return !!other && (!!other.extensionId || !!other.extensionNumber) && !other.phoneNumber?.startsWith('+');
}
