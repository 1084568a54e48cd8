import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccountsRepository } from '../accounts/accounts.repository';
import { ExtensionDirectoryCache } from '../accounts/extension-directory.cache';
import { resolveLoggingSettings } from '../accounts/logging-settings';
import { type AppConfig, runsWorkers } from '../config/app-config';
import { JobHandler } from '../jobs/job-handler.decorator';
import type { TickPayload } from '../jobs/job-names';
import { deterministicUuid, JobQueue } from '../jobs/job-queue.service';
import { TickScheduler } from '../jobs/tick-scheduler';
import { RingCentralClient } from '../ringcentral/ringcentral.client';
import { RingCentralRateLimitedError } from '../ringcentral/ringcentral.errors';
import type { CallLogPage, DetailedCallLogRecord } from '../ringcentral/types';
import { CallLogSyncRepository } from './call-log-sync.repository';
import { inProgressCall, isFinalRecord, type RecordLeg, recordLegs } from './call-record-legs';
import { LoggingMetrics } from './logging.metrics';
import { OPEN_CALL_READS_PER_RUN, openCallSlices } from './open-call-reads';
import { syncWindow } from './sync-window';

const PER_PAGE = 1000;
/** Pages one run may read (1000 records each); a longer backlog is read over several periods. */
const MAX_PAGES = 200;
/** Time slices of one read: a normal period is one slice; a backfill is several, read oldest first. */
const SLICE_MS = 3600_000;
/** A page that does not come back in time ends the run (the next period resumes from the watermark). */
const PAGE_TIMEOUT_MS = 30_000;

/**
 * The call-log sync, the only reader of RingCentral's (Heavy) account call log: per enabled account and period, one
 * paged read from the account's watermark (less an overlap) serves every call in it. Final records are merged into
 * the legs the events made (same key: account, telephonySessionId, extension), a record with an agent leg and no
 * row creates one (source `call-log`: reconciliation), and then the legs that can go on are handed to the pipeline:
 * staged updates, single-mode creates, and legs whose record or recording never came within the wait.
 */
@Injectable()
export class CallLogSyncJob implements OnApplicationBootstrap {
  private readonly logger = new Logger(CallLogSyncJob.name);
  private readonly app: AppConfig['app'];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accounts: AccountsRepository,
    private readonly directory: ExtensionDirectoryCache,
    private readonly repository: CallLogSyncRepository,
    private readonly ringcentral: RingCentralClient,
    private readonly queue: JobQueue,
    private readonly ticks: TickScheduler,
    private readonly metrics: LoggingMetrics,
    config: ConfigService<AppConfig, true>,
  ) {
    this.app = config.get('app', { infer: true });
  }

  onApplicationBootstrap(): void {
    if (runsWorkers(this.app.role)) this.ticks.every(this.app.callLogSyncIntervalSeconds, 'callLogs.watch');
  }

  @JobHandler('callLogs.watch')
  async watch({ tickAt }: TickPayload): Promise<void> {
    for (const accountId of await this.accounts.findEnabledIds()) {
      // One sync per (account, tick), even if this job is retried after a partial run.
      await this.queue.enqueue('callLogs.sync', { accountId }, { id: deterministicUuid(`callLogs.sync:${accountId}@${tickAt}`) });
    }
  }

  @JobHandler('callLogs.sync')
  async sync({ accountId }: { accountId: string }): Promise<void> {
    const account = await this.accounts.findById(accountId);
    if (!account?.enabled || !account.hasRingCentralCredentials) return;
    const now = Date.now();
    const state = await this.repository.state(accountId);
    const open = await this.repository.oldestOpenStart(accountId, new Date(now - this.app.callLogRecordWaitSeconds * 1000));
    const { dateFrom, leftOut } = syncWindow({
      now,
      watermark: state?.watermark?.getTime(),
      oldestOpenStart: open?.getTime(),
      syncIntervalSeconds: this.app.callLogSyncIntervalSeconds,
      backfillMaxHours: this.app.callLogBackfillMaxHours,
    });
    if (leftOut) this.logger.warn({ accountId, from: leftOut.from, to: leftOut.to }, 'call-log sync: the gap is longer than CALL_LOG_BACKFILL_MAX_HOURS; older calls are left out');

    const floor = new Date(now - this.app.callLogBackfillMaxHours * 3600_000);
    const droppedOpen = await this.repository.dropInProgressBefore(accountId, floor);
    if (droppedOpen) this.logger.warn({ accountId, from: droppedOpen }, 'call-log sync: calls still "In Progress" after CALL_LOG_BACKFILL_MAX_HOURS are no longer read');
    const leftOutAll = droppedOpen ? { from: new Date(Math.min(droppedOpen.getTime(), leftOut?.from.getTime() ?? Infinity)), to: floor } : leftOut;

    const run = { requests: 0, recordsRead: 0 };
    let error: string | null = null;
    // Read in time slices, oldest first (each slice newest first, as RingCentral lists): after a long downtime a run
    // stops at its page budget and the watermark moves only past the slices read whole; the next run goes on.
    let readUpTo: number | undefined;
    try {
      for (const [from, to] of timeSlices(dateFrom, now)) {
        // The last slice has no dateTo: RingCentral reads up to its now, which is at least the watermark saved below.
        if (!(await this.read(accountId, from, to, now, run))) break;
        readUpTo = to ?? now;
      }
      // Calls seen "In Progress" whose start is now behind the window: a narrow read around each start, a few per run.
      if (run.requests < MAX_PAGES) {
        const due = await this.repository.dueInProgress(accountId, new Date(dateFrom), floor, OPEN_CALL_READS_PER_RUN);
        for (const [from, to] of openCallSlices(due.map((d) => d.startTime.getTime()))) {
          if (!(await this.read(accountId, from, to, now, run))) break;
        }
        await this.repository.markInProgressChecked(accountId, due.map((d) => d.telephonySessionId));
      }
    } catch (e) {
      this.metrics.syncRequests.inc({ outcome: e instanceof RingCentralRateLimitedError ? 'rate-limited' : 'error' });
      // Rate limited: the gate keeps the Heavy group closed for Retry-After; the next period resumes from the watermark.
      error = e instanceof RingCentralRateLimitedError ? `rate limited: RingCentral asks to wait ${e.retryAfterSeconds}s` : (e as Error).message;
      this.logger.warn({ accountId, err: error }, 'call-log sync failed; the next period resumes from the watermark');
    }
    const advanced = readUpTo !== undefined && readUpTo > (state?.watermark?.getTime() ?? -Infinity) ? new Date(readUpTo) : undefined;
    const watermark = advanced ?? state?.watermark;
    const lagSeconds = watermark ? (Date.now() - watermark.getTime()) / 1000 : (Date.now() - dateFrom) / 1000;
    this.metrics.syncLag.set({ account: accountId }, lagSeconds);
    await this.repository.saveRun(accountId, { watermark: advanced, success: !error, error, lagSeconds, recordsRead: run.recordsRead, requests: run.requests, leftOut: leftOutAll });
    await this.decide(accountId, resolveLoggingSettings(account.settings).logMode);
  }

  /** Every page of [from, to) (to undefined: up to RingCentral's now) within the run's page budget; false when cut short. */
  private async read(accountId: string, from: number, to: number | undefined, now: number, run: { requests: number; recordsRead: number }): Promise<boolean> {
    let query: Record<string, string | number> = { view: 'Detailed', dateFrom: new Date(from).toISOString(), ...(to !== undefined && { dateTo: new Date(to).toISOString() }), perPage: PER_PAGE };
    while (run.requests < MAX_PAGES) {
      run.requests++;
      const answer = await withTimeout(
        this.ringcentral.request<CallLogPage<DetailedCallLogRecord>>(accountId, { method: 'GET', path: '/restapi/v1.0/account/~/call-log', query, group: 'heavy' }),
        PAGE_TIMEOUT_MS,
      );
      this.metrics.syncRequests.inc({ outcome: 'ok' });
      run.recordsRead += answer.records?.length ?? 0;
      await this.apply(accountId, answer.records ?? [], now);
      const next = nextPageQuery(answer.navigation?.nextPage?.uri);
      if (!next || !(answer.records?.length ?? 0)) return true;
      query = next;
    }
    return false;
  }

  /** One page: final records merged into their legs, legs with no row reconciled (after the events' grace). */
  private async apply(accountId: string, records: DetailedCallLogRecord[], now: number): Promise<void> {
    const legs = dedupe(records.flatMap(recordLegs));
    const open = records.map(inProgressCall).filter((c) => c !== undefined);
    const finalCalls = [...new Set(records.flatMap((r) => (r.telephonySessionId && isFinalRecord(r) ? [r.telephonySessionId] : [])))];
    if (!finalCalls.length && !open.length) return;
    const extensionIds = [...legs.map((l) => l.extensionId), ...open.flatMap((c) => c.extensionIds)];
    const entries = await this.directory.entries(accountId, new Set(extensionIds));
    // Only people's extensions are agents (IVR menus, queues and the like have no leg of their own to log).
    const isAgent = (id: string) => entries.get(id)?.type === 'User';
    const agentLegs = legs.filter((l) => isAgent(l.extensionId));
    const openCalls = open.filter((c) => c.extensionIds.some(isAgent));
    // An extension the directory does not know yet (a new user): refresh it; the overlap brings the record back.
    if (extensionIds.some((id) => !entries.has(id))) {
      await this.queue.enqueue('directory.sync', { accountId }, { singletonKey: accountId, singletonSeconds: 300 });
    }
    // The events path normally makes the row first; a record is reconciled only once that has had its chance: the grace
    // has passed and none of the session's notifications still waits to be folded.
    const graceMs = Math.max(15_000, 2 * this.app.sessionQuietMs);
    const reconciled = await this.dataSource.transaction(async (tx) => {
      const merged = await this.repository.merge(tx, accountId, agentLegs);
      this.metrics.recordsMerged.inc(merged.filter((m) => m.firstMerge).length);
      const decided = await this.repository.decided(tx, accountId, agentLegs);
      const noRow = agentLegs.filter((l) => !decided.has(`${l.telephonySessionId}|${l.extensionId}`));
      const unfolded = await this.repository.unfoldedSessions(tx, accountId, [...new Set(noRow.map((l) => l.telephonySessionId))]);
      const missing = noRow.filter((l) => now - l.endTime.getTime() >= graceMs && !unfolded.has(l.telephonySessionId));
      const created = await this.repository.insertReconciled(tx, accountId, missing);
      // A call in progress is read again until its final record is in; one whose leg waits out the grace stays remembered.
      const stillOpen = new Set([...openCalls.map((c) => c.telephonySessionId), ...noRow.filter((l) => !missing.includes(l)).map((l) => l.telephonySessionId)]);
      await this.repository.forgetInProgress(tx, accountId, finalCalls.filter((id) => !stillOpen.has(id)));
      await this.repository.rememberInProgress(tx, accountId, openCalls);
      await this.repository.appendTimelines(tx, [
        ...merged.map((m) => ({
          callLogId: m.id,
          kind: 'record',
          detail: { decision: m.firstMerge ? 'merged the final call-log record' : 'the call-log record changed', recordId: m.recordId, duration: m.duration, result: m.result, recording: m.recordingState },
        })),
        ...created.map(({ id, leg }) => ({
          callLogId: id,
          kind: 'record',
          detail: { decision: 'reconciled: the call log shows this call and no notification made a row', recordId: leg.recordId, duration: leg.duration, result: leg.result },
        })),
      ]);
      // Same transaction: a reconciled row exists if and only if its logging job does.
      await this.queue.enqueueMany('call.log', created.map(({ id }) => ({ callLogId: id })), { transaction: tx });
      return created.length;
    });
    if (reconciled) this.queue.notify('call.log');
  }

  /** DB-only decisions, made every period even when RingCentral could not be read. */
  private async decide(accountId: string, logMode: 'staged' | 'single'): Promise<void> {
    const waitEnd = new Date(Date.now() - this.app.callLogRecordWaitSeconds * 1000);
    const queued = await this.dataSource.transaction(async (tx) => {
      const notFound = await this.repository.markRecordsNotFound(tx, accountId, waitEnd);
      const missing = await this.repository.markRecordingsMissing(tx, accountId, waitEnd);
      const updates = logMode === 'staged' ? await this.repository.takeStagedUpdates(tx, accountId) : [];
      const singles = await this.repository.takeReadySingles(tx, accountId);
      await this.repository.appendTimelines(tx, [
        ...notFound.map((id) => ({ callLogId: id, kind: 'record', detail: { decision: `no call-log record within ${this.app.callLogRecordWaitSeconds}s: the events' values stand` } })),
        ...missing.map((id) => ({ callLogId: id, kind: 'record', detail: { decision: `recording not ready within ${this.app.callLogRecordWaitSeconds}s: logged without it` } })),
        ...updates.map((id) => ({ callLogId: id, kind: 'record', detail: { decision: 'staged: update queued with the final record' } })),
        ...singles.map((id) => ({ callLogId: id, kind: 'record', detail: { decision: 'single: the final record is in (or the wait is over); logging' } })),
      ]);
      await this.queue.enqueueMany('call.update', updates.map((callLogId) => ({ callLogId })), { transaction: tx });
      await this.queue.enqueueMany('call.log', singles.map((callLogId) => ({ callLogId })), { transaction: tx });
      return { updates: updates.length, singles: singles.length };
    });
    if (queued.updates) this.queue.notify('call.update');
    if (queued.singles) this.queue.notify('call.log');
  }
}

/** `navigation.nextPage.uri` -> the query of that page (path and account are the ones already asked). */
function nextPageQuery(uri: string | undefined): Record<string, string> | undefined {
  if (!uri) return undefined;
  try {
    return Object.fromEntries(new URL(uri).searchParams);
  } catch {
    return undefined;
  }
}

/** [from, to) slices up to now; the last one open-ended (to undefined). */
function timeSlices(from: number, now: number): [number, number | undefined][] {
  const slices: [number, number | undefined][] = [];
  for (let start = from; start < now; start += SLICE_MS) slices.push([start, start + SLICE_MS < now ? start + SLICE_MS : undefined]);
  return slices.length ? slices : [[from, undefined]];
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the call-log page did not come back within ${ms / 1000}s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** One leg per key; a record listed twice on overlapping pages counts once. */
function dedupe(legs: RecordLeg[]): RecordLeg[] {
  const byKey = new Map<string, RecordLeg>();
  for (const leg of legs) byKey.set(`${leg.telephonySessionId}|${leg.extensionId}`, leg);
  return [...byKey.values()];
}
