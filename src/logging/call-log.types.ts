/** A call_logs row as the pipeline reads it: one ended agent leg and where its logging stands. */
export interface CallLogRecord {
  id: string;
  accountId: string;
  telephonySessionId: string;
  sessionId: string | null;
  rcExtensionId: string;
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
  status: 'pending' | 'logging' | 'logged' | 'skipped' | 'failed';
  reason: string | null;
  attempts: number;
  lastError: string | null;
  crmLogId: string | null;
  contactId: string | null;
  crmUserId: string | null;
  ownerSource: string | null;
  loggedAt: Date | null;
}
