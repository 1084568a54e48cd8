/**
 * One `call_logs` row: an ended agent leg and where its logging stands. Written by subscriptions (the leg), moved
 * through its statuses by logging, read by admin — so its shape and mapping live here, with the other shared
 * account data, instead of once per module.
 */
export type CallLogStatus = 'pending' | 'logging' | 'logged' | 'skipped' | 'failed';

export interface CallLogRow {
  id: string;
  accountId: string;
  telephonySessionId: string;
  sessionId: string | null;
  rcExtensionId: string;
  partyId: string;
  direction: 'Inbound' | 'Outbound';
  kind: 'answered' | 'missed' | 'voicemail' | 'unanswered' | 'transferred';
  result: string;
  internal: boolean;
  otherNumber: string | null;
  otherName: string | null;
  agentNumber: string | null;
  startedAt: Date;
  answeredAt: Date | null;
  callEndedAt: Date;
  talkSeconds: number;
  recorded: boolean;
  queueCall: boolean;
  status: CallLogStatus;
  reason: string | null;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date | null;
  crmLogId: string | null;
  contactId: string | null;
  crmUserId: string | null;
  ownerSource: string | null;
  loggedAt: Date | null;
  createdAt: Date;
  /** Where the row came from: the telephony events, or RingCentral's call log (reconciliation). */
  source: CallLogSource;
  /** RingCentral's call-log record for this leg: not seen yet, merged (final), or never found within the wait. */
  recordState: RecordState;
  recordId: string | null;
  recordDuration: number | null;
  recordResult: string | null;
  recordingState: RecordingState;
  recordingLink: string | null;
  voicemailLink: string | null;
  recordMergedAt: Date | null;
  /** Staged mode: the one update of the CRM log with the record's values. */
  updateState: UpdateState | null;
  crmUpdatedAt: Date | null;
}

export type CallLogSource = 'events' | 'call-log';
export type RecordState = 'waiting' | 'merged' | 'not-found';
export type RecordingState = 'none' | 'waiting' | 'ready' | 'missing';
export type UpdateState = 'pending' | 'updating' | 'updated' | 'failed' | 'not-needed';

export function toCallLogRow(r: Record<string, any>): CallLogRow {
  return {
    id: r.id,
    accountId: r.account_id,
    telephonySessionId: r.telephony_session_id,
    sessionId: r.session_id,
    rcExtensionId: r.rc_extension_id,
    partyId: r.party_id,
    direction: r.direction,
    kind: r.kind,
    result: r.result,
    internal: r.internal,
    otherNumber: r.other_number,
    otherName: r.other_name,
    agentNumber: r.agent_number,
    startedAt: r.started_at,
    answeredAt: r.answered_at,
    callEndedAt: r.call_ended_at,
    talkSeconds: r.talk_seconds,
    recorded: r.recorded,
    queueCall: r.queue_call,
    status: r.status,
    reason: r.reason,
    attempts: r.attempts,
    lastError: r.last_error,
    nextAttemptAt: r.next_attempt_at,
    crmLogId: r.crm_log_id,
    contactId: r.contact_id,
    crmUserId: r.crm_user_id,
    ownerSource: r.owner_source,
    loggedAt: r.logged_at,
    createdAt: r.created_at,
    source: r.source ?? 'events',
    recordState: r.record_state ?? 'waiting',
    recordId: r.record_id ?? null,
    recordDuration: r.record_duration ?? null,
    recordResult: r.record_result ?? null,
    recordingState: r.recording_state ?? 'none',
    recordingLink: r.recording_link ?? null,
    voicemailLink: r.voicemail_link ?? null,
    recordMergedAt: r.record_merged_at ?? null,
    updateState: r.update_state ?? null,
    crmUpdatedAt: r.crm_updated_at ?? null,
  };
}
