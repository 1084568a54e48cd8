import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppError } from '../../common/errors/app-error';
import { parseInstant } from '../../common/http/strict-instant';
import { JobQueue } from '../../jobs/job-queue.service';
import { AdminCallLogRepository, type CallLogFilter, type CallLogView, type PartyView } from './admin-call-log.repository';
import { decodeCursor, encodeCursor } from './call-log-cursor';
import type { BulkRetryResultDto, CallLogDetailDto, CallLogFilterDto, CallLogItemDto, CallLogPageDto, ListCallLogsQueryDto, PartyDto, TimelineEntryDto } from './call-logs.dto';

const DEFAULT_LIMIT = 50;
/** Calls one bulk retry puts back to pending; more are reported with `more: true`. */
const BULK_RETRY_LIMIT = 1000;

function toItem(v: CallLogView): CallLogItemDto {
  return {
    id: v.id,
    telephonySessionId: v.telephonySessionId,
    rcExtensionId: v.rcExtensionId,
    direction: v.direction,
    result: v.result,
    kind: v.kind,
    internal: v.internal,
    status: v.status,
    reason: v.reason,
    crmLogId: v.crmLogId,
    contactId: v.contactId,
    crmUserId: v.crmUserId,
    ownerSource: v.ownerSource,
    attempts: v.attempts,
    lastError: v.lastError,
    otherNumber: v.otherNumber,
    startedAt: v.startedAt,
    callEndedAt: v.callEndedAt,
    talkSeconds: v.talkSeconds,
    loggedAt: v.loggedAt,
    nextAttemptAt: v.nextAttemptAt,
    source: v.source,
    recordState: v.recordState,
    recordDuration: v.recordDuration,
    recordResult: v.recordResult,
    recordingState: v.recordingState,
    recordingLink: v.recordingLink,
    voicemailLink: v.voicemailLink,
    updateState: v.updateState,
  };
}

function toParty(p: PartyView, leg: CallLogView): PartyDto {
  return {
    partyId: p.partyId,
    ...(p.extensionId !== undefined && { extensionId: p.extensionId }),
    thisLeg: p.partyId === leg.partyId,
    ...(p.direction !== undefined && { direction: p.direction }),
    ...(p.status?.code !== undefined && { status: p.status.code }),
    ...(p.missedCall !== undefined && { missedCall: p.missedCall }),
    ...(p.queueCall !== undefined && { queueCall: p.queueCall }),
    history: (p.history ?? []).map((h) => ({ sequence: h.sequence, code: h.code, ...(h.reason !== undefined && { reason: h.reason }), eventTime: h.eventTime })),
  };
}

/** The call-log report (list, one call explained) and the admin's retries. */
@Injectable()
export class CallLogReportService {
  constructor(
    private readonly callLogs: AdminCallLogRepository,
    private readonly queue: JobQueue,
  ) {}

  async list(accountId: string, query: ListCallLogsQueryDto): Promise<CallLogPageDto> {
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (query.cursor !== undefined && !cursor) throw AppError.validation('cursor', 'cursor is not a nextCursor this API returned');
    const limit = query.limit ?? DEFAULT_LIMIT;
    const rows = await this.callLogs.list(accountId, toFilter(query), cursor, limit + 1);
    const page = rows.slice(0, limit);
    return { items: page.map(toItem), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.cursor) : null };
  }

  /**
   * One call explained: the row, every party of its telephony session with its status history, and a timeline
   * merging those folded events with the service's decisions and CRM calls (call_log_events), oldest first.
   */
  async get(accountId: string, id: string): Promise<CallLogDetailDto> {
    const leg = await this.require(accountId, id);
    const [events, parties] = await Promise.all([this.callLogs.events(accountId, id), this.callLogs.sessionParties(accountId, leg.telephonySessionId)]);
    const timeline: TimelineEntryDto[] = [];
    for (const party of parties) {
      for (const h of party.history ?? []) {
        timeline.push({
          at: new Date(h.eventTime),
          source: 'ringcentral',
          kind: 'party-status',
          detail: {
            partyId: party.partyId,
            ...(party.extensionId !== undefined && { extensionId: party.extensionId }),
            thisLeg: party.partyId === leg.partyId,
            sequence: h.sequence,
            code: h.code,
            ...(h.reason !== undefined && { reason: h.reason }),
          },
        });
      }
    }
    timeline.push({ at: leg.createdAt, source: 'service', kind: 'leg-recorded', detail: { kind: leg.kind, result: leg.result, direction: leg.direction, internal: leg.internal } });
    for (const e of events) timeline.push({ at: e.at, source: 'service', kind: e.kind, detail: e.detail });
    // Stable: entries with the same instant keep their order (RingCentral's by sequence, ours by insertion).
    timeline.sort((a, b) => a.at.getTime() - b.at.getTime());
    return {
      ...toItem(leg),
      sessionId: leg.sessionId,
      partyId: leg.partyId,
      answeredAt: leg.answeredAt,
      otherName: leg.otherName,
      recorded: leg.recorded,
      queueCall: leg.queueCall,
      parties: parties.map((p) => toParty(p, leg)),
      timeline,
    };
  }

  /** A failed or skipped call back to pending (attempts kept) and its `call.log` job queued. */
  async retry(accountId: string, id: string): Promise<CallLogItemDto> {
    const leg = await this.require(accountId, id);
    const reset = await this.callLogs.resetForRetry(accountId, { ids: [id] }, 1, (ids, manager) => this.enqueue(ids, manager));
    if (!reset.length) {
      throw new AppError('CONFLICT', `Only failed or skipped calls can be retried; this one is ${leg.status}`, 'status', { status: leg.status });
    }
    this.queue.notify('call.log');
    return toItem((await this.callLogs.findById(accountId, id))!);
  }

  /** Every failed (default) or skipped call matching the list's filters, newest first, up to BULK_RETRY_LIMIT. */
  async retryMany(accountId: string, query: CallLogFilterDto): Promise<BulkRetryResultDto> {
    if (query.status && query.status !== 'failed' && query.status !== 'skipped') {
      throw AppError.validation('status', 'status must be failed or skipped: only those calls can be retried');
    }
    const filter = { ...toFilter(query), statuses: [query.status ?? 'failed'] as CallLogFilter['statuses'] };
    const reset = await this.callLogs.resetForRetry(accountId, { filter }, BULK_RETRY_LIMIT, (ids, manager) => this.enqueue(ids, manager));
    if (reset.length) this.queue.notify('call.log');
    return { retried: reset.length, ids: reset.map((r) => r.id), more: reset.length === BULK_RETRY_LIMIT && (await this.callLogs.countMatching(accountId, filter)) > 0 };
  }

  private async enqueue(ids: string[], manager: EntityManager): Promise<void> {
    for (const callLogId of ids) await this.queue.enqueue('call.log', { callLogId }, { transaction: manager });
  }

  private async require(accountId: string, id: string): Promise<CallLogView> {
    const leg = await this.callLogs.findById(accountId, id);
    if (!leg) throw AppError.notFound('Call log');
    return leg;
  }
}

function toFilter(query: CallLogFilterDto): CallLogFilter {
  return {
    ...(query.status && { statuses: [query.status] }),
    ...(query.direction && { direction: query.direction }),
    ...(query.from && { from: parseInstant(query.from)! }),
    ...(query.to && { to: parseInstant(query.to)! }),
    ...(query.rcExtensionId && { rcExtensionId: query.rcExtensionId }),
    ...(query.source && { source: query.source }),
    ...(query.number && { numberPart: query.number.replace(/\D/g, '') }),
  };
}
