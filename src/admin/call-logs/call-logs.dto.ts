import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsInstant } from '../../common/http/strict-instant';

export const CALL_LOG_STATUSES = ['pending', 'logging', 'logged', 'skipped', 'failed'] as const;
const DIRECTIONS = ['Inbound', 'Outbound'] as const;
const SOURCES = ['events', 'call-log'] as const;

/** Filters shared by the list and the bulk retry. */
export class CallLogFilterDto {
  @ApiPropertyOptional({ enum: CALL_LOG_STATUSES })
  @IsOptional()
  @IsIn(CALL_LOG_STATUSES)
  status?: (typeof CALL_LOG_STATUSES)[number];

  @ApiPropertyOptional({ enum: DIRECTIONS, description: "The agent's direction" })
  @IsOptional()
  @IsIn(DIRECTIONS)
  direction?: (typeof DIRECTIONS)[number];

  @ApiPropertyOptional({ description: 'Calls that ended at or after this instant (ISO 8601)', example: '2025-01-01T00:00:00Z' })
  @IsOptional()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({ description: 'Calls that ended before this instant (ISO 8601)', example: '2025-01-02T00:00:00Z' })
  @IsOptional()
  @IsInstant()
  to?: string;

  @ApiPropertyOptional({ description: "The agent's RingCentral extension id" })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  // RingCentral extension ids are digits; letters and -_ are let through for other id schemes, nothing else.
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'rcExtensionId must be an extension id (letters, digits, - or _)' })
  rcExtensionId?: string;

  @ApiPropertyOptional({ enum: SOURCES, description: "events: made from telephony notifications; call-log: only RingCentral's call log showed the call (reconciled)" })
  @IsOptional()
  @IsIn(SOURCES)
  source?: (typeof SOURCES)[number];

  @ApiPropertyOptional({ description: "Part of the other party's number (digits; + and spaces ignored)", example: '4155550100' })
  @IsOptional()
  @IsString()
  @Matches(/^\+?[\d\s().-]{2,20}$/, { message: 'number must be 2 to 20 digits (a part of a phone number)' })
  number?: string;
}

export class ListCallLogsQueryDto extends CallLogFilterDto {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class CallLogIdParamDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;
}

export class CallLogItemDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() telephonySessionId: string;
  @ApiProperty({ description: "The agent's RingCentral extension id" }) rcExtensionId: string;
  @ApiProperty({ enum: DIRECTIONS }) direction: string;
  @ApiProperty({ example: 'Accepted', description: "RingCentral's call result" }) result: string;
  @ApiProperty({ enum: ['answered', 'missed', 'voicemail', 'unanswered', 'transferred'] }) kind: string;
  @ApiProperty() internal: boolean;
  @ApiProperty({ enum: CALL_LOG_STATUSES }) status: string;
  @ApiProperty({ type: String, nullable: true, description: 'Why it was skipped, failed or is waiting (e.g. internal-calls-off, no-contact, VALIDATION, account-paused)' })
  reason: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The CRM's id of the call log" }) crmLogId: string | null;
  @ApiProperty({ type: String, nullable: true }) contactId: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'CRM user who owns the record' }) crmUserId: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'agent-mapping', description: 'agent-mapping | admin-fallback | admin' }) ownerSource: string | null;
  @ApiProperty() attempts: number;
  @ApiProperty({ type: String, nullable: true }) lastError: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The other party (E.164, or an extension number for internal calls)' }) otherNumber: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) startedAt: Date;
  @ApiProperty({ type: String, format: 'date-time' }) callEndedAt: Date;
  @ApiProperty() talkSeconds: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) loggedAt: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Pending: when the next attempt is due (null while paused)' })
  nextAttemptAt: Date | null;
  @ApiProperty({ enum: SOURCES, description: "Where the row came from: the telephony events, or RingCentral's call log (reconciliation)" }) source: string;
  @ApiProperty({ enum: ['waiting', 'merged', 'not-found'], description: "RingCentral's call-log record: not seen yet, merged (final), or not found within CALL_LOG_RECORD_WAIT_SECONDS" })
  recordState: string;
  @ApiProperty({ type: Number, nullable: true, description: "RingCentral's duration (seconds) from the record" }) recordDuration: number | null;
  @ApiProperty({ type: String, nullable: true, description: "RingCentral's result from the record" }) recordResult: string | null;
  @ApiProperty({ enum: ['none', 'waiting', 'ready', 'missing'], description: 'The recording (or voicemail): none expected, waiting, ready, or missing (not there within the wait: logged without it)' })
  recordingState: string;
  @ApiProperty({ type: String, nullable: true }) recordingLink: string | null;
  @ApiProperty({ type: String, nullable: true }) voicemailLink: string | null;
  @ApiProperty({ type: String, nullable: true, enum: ['pending', 'updating', 'updated', 'failed', 'not-needed'], description: "Staged mode's one update of the CRM log with the record" })
  updateState: string | null;
}

export class CallLogPageDto {
  @ApiProperty({ type: [CallLogItemDto] }) items: CallLogItemDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' }) nextCursor: string | null;
}

export class TimelineEntryDto {
  @ApiProperty({ type: String, format: 'date-time' }) at: Date;
  @ApiProperty({ enum: ['ringcentral', 'service'], description: 'ringcentral: a folded call event; service: a decision or CRM call' }) source: string;
  @ApiProperty({
    example: 'crm',
    description:
      'party-status (a party of the session changed status), leg-recorded, attempt, filters, contact, owner, crm (a CRM call and its outcome), crm-error, skipped, logged, paused, retry-requested, record (a call-log sync decision: merged, changed, reconciled, not found, recording missing, update queued), update-attempt, compose, update-waiting, update-failed',
  })
  kind: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) detail: Record<string, unknown>;
}

export class PartyStatusDto {
  @ApiProperty() sequence: number;
  @ApiProperty({ example: 'Answered' }) code: string;
  @ApiPropertyOptional() reason?: string;
  @ApiProperty({ type: String, format: 'date-time' }) eventTime: string;
}

export class PartyDto {
  @ApiProperty() partyId: string;
  @ApiPropertyOptional({ description: 'Absent for PSTN parties' }) extensionId?: string;
  @ApiProperty({ description: "This call log's agent leg" }) thisLeg: boolean;
  @ApiPropertyOptional({ enum: DIRECTIONS }) direction?: string;
  @ApiPropertyOptional({ example: 'Disconnected' }) status?: string;
  @ApiPropertyOptional() missedCall?: boolean;
  @ApiPropertyOptional() queueCall?: boolean;
  @ApiProperty({ type: [PartyStatusDto] }) history: PartyStatusDto[];
}

export class CallLogDetailDto extends CallLogItemDto {
  @ApiProperty({ type: String, nullable: true }) sessionId: string | null;
  @ApiProperty() partyId: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) answeredAt: Date | null;
  @ApiProperty({ type: String, nullable: true }) otherName: string | null;
  @ApiProperty() recorded: boolean;
  @ApiProperty() queueCall: boolean;
  @ApiProperty({ type: [PartyDto], description: 'Every party of the telephony session, folded from its events' }) parties: PartyDto[];
  @ApiProperty({ type: [TimelineEntryDto], description: 'Events folded, decisions taken, CRM calls with their outcome, oldest first' }) timeline: TimelineEntryDto[];
}

export class BulkRetryResultDto {
  @ApiProperty({ description: 'Calls put back to pending' }) retried: number;
  @ApiProperty({ type: [String] }) ids: string[];
  @ApiProperty({ description: 'More calls matched than one request retries; call again' }) more: boolean;
}
