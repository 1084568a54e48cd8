import type { CallLogRecord } from './sim-types';

/**
 * The account call log with RingCentral's eventual consistency (docs/ringcentral.md §4.3): a record becomes visible
 * some time after its call ended, optionally shows as "In Progress" before that, and its recording may appear later.
 */

export interface StoredCallRecord {
  accountId: string;
  record: CallLogRecord;
  startMs: number;
  /** From here the record is shown as "In Progress" (only with the callLogInProgress knob). */
  inProgressFrom?: number;
  /** From here the final record is visible (Infinity: the call is still open, see ScenarioEngine.endCall). */
  visibleAt: number;
  recordingVisibleAt: number;
  /** Until then (callLogChangeDelayMs) the record shows its first version: only its first leg. */
  changedAt?: number;
  /** Every extension with a leg; the extension call log of any of them shows the record. */
  extensionIds: string[];
}

export interface CallLogQuery {
  dateFrom: number;
  dateTo: number;
  extensionId?: string;
  telephonySessionId?: string;
  sessionId?: string;
  directions?: string[];
  types?: string[];
  view: 'Simple' | 'Detailed';
}

export class CallLogStore {
  private readonly records: StoredCallRecord[] = [];

  add(entry: StoredCallRecord): void {
    this.records.push(entry);
  }

  /** Records as the platform API would show them at `now`, newest first. */
  query(accountId: string, q: CallLogQuery, now: number): CallLogRecord[] {
    return this.records
      .filter((r) => r.accountId === accountId)
      .filter((r) => r.startMs >= q.dateFrom && r.startMs <= q.dateTo)
      .filter((r) => !q.extensionId || r.extensionIds.includes(q.extensionId))
      .filter((r) => !q.telephonySessionId || r.record.telephonySessionId === q.telephonySessionId)
      .filter((r) => !q.sessionId || r.record.sessionId === q.sessionId)
      .filter((r) => !q.directions?.length || q.directions.includes(r.record.direction))
      .filter((r) => !q.types?.length || q.types.includes(r.record.type))
      .map((r) => view(r, now, q.view))
      .filter((r): r is CallLogRecord => r !== undefined)
      .sort((a, b) => Date.parse(b.startTime) - Date.parse(a.startTime));
  }

  one(accountId: string, id: string, now: number, v: 'Simple' | 'Detailed'): CallLogRecord | undefined {
    const stored = this.records.find((r) => r.accountId === accountId && r.record.id === id);
    return stored ? view(stored, now, v) : undefined;
  }

  /** Every record of the account regardless of visibility (control API / tests); a call still open has none yet. */
  all(accountId: string): CallLogRecord[] {
    return this.records.filter((r) => r.accountId === accountId && Number.isFinite(r.visibleAt)).map((r) => structuredClone(r.record));
  }
}

function view(stored: StoredCallRecord, now: number, v: 'Simple' | 'Detailed'): CallLogRecord | undefined {
  let record: CallLogRecord;
  if (now >= stored.visibleAt) {
    record = structuredClone(stored.record);
    if (stored.changedAt !== undefined) {
      if (now < stored.changedAt) firstVersion(record, stored.visibleAt);
      else record.lastModifiedTime = new Date(stored.changedAt).toISOString();
    }
    if (now < stored.recordingVisibleAt) {
      delete record.recording;
      record.legs?.forEach((l) => delete l.recording);
    }
  } else if (stored.inProgressFrom !== undefined && now >= stored.inProgressFrom) {
    record = inProgress(stored.record);
  } else {
    return undefined;
  }
  if (v === 'Simple') delete record.legs;
  return record;
}

/** A record as first filed: legs are added and `lastModifiedTime` moves when it changes. */
function firstVersion(record: CallLogRecord, visibleAt: number): void {
  record.legs = record.legs?.slice(0, 1);
  record.lastModifiedTime = new Date(visibleAt).toISOString();
}

function inProgress(final: CallLogRecord): CallLogRecord {
  const record = structuredClone(final);
  delete record.duration;
  delete record.durationMs;
  delete record.recording;
  delete record.message;
  delete record.reason;
  delete record.reasonDescription;
  record.result = 'In Progress';
  record.legs = record.legs?.slice(0, 1).map((l) => {
    const leg = { ...l, result: 'In Progress' };
    delete leg.duration;
    delete leg.durationMs;
    delete leg.recording;
    delete leg.reason;
    delete leg.reasonDescription;
    return leg;
  });
  return record;
}

/** Prefixes the record's relative URIs with the base URL and adds `?view=` to its own URI, like the platform. */
export function absolutize(record: CallLogRecord, baseUrl: string, v: 'Simple' | 'Detailed'): CallLogRecord {
  const abs = (uri: string): string => (uri.startsWith('/') ? `${baseUrl}${uri}` : uri);
  const out = structuredClone(record);
  out.uri = `${abs(out.uri)}?view=${v}`;
  if (out.extension) out.extension.uri = abs(out.extension.uri);
  if (out.recording) out.recording = { ...out.recording, uri: abs(out.recording.uri), contentUri: abs(out.recording.contentUri) };
  if (out.message) out.message.uri = abs(out.message.uri);
  for (const leg of out.legs ?? []) {
    if (leg.extension) leg.extension.uri = abs(leg.extension.uri);
    if (leg.recording) leg.recording = { ...leg.recording, uri: abs(leg.recording.uri), contentUri: abs(leg.recording.contentUri) };
  }
  return out;
}
