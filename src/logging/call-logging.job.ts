import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AccountsRepository } from '../accounts/accounts.repository';
import type { AccountRow } from '../accounts/account.types';
import { ConnectorSessionService, type ConnectorSession } from '../accounts/connector-session.service';
import { resolveLoggingSettings } from '../accounts/logging-settings';
import type { AppConfig } from '../config/app-config';
import { type AdditionalSubmission, ConnectorErrorPolicy } from '../connectors';
import { JobHandler } from '../jobs/job-handler.decorator';
import { JobQueue } from '../jobs/job-queue.service';
import { honouredFields, type SyncChainResult } from '../plugins';
import { AccountConcurrencyLimiter } from './account-concurrency.limiter';
import { AccountPauseService } from './account-pause.service';
import { CallLogRepository, type TimelineEntry } from './call-log.repository';
import type { CallLogRecord } from './call-log.types';
import { callValues } from './call-values';
import { composeLogDetails, composeSubject } from './log-composer';
import { composeInputOf, defaultSubmission, type LegContext, LogSteps, toRcCallLog } from './log-steps';
import { LoggingMetrics } from './logging.metrics';

/**
 * One ended agent leg -> one CRM call log (the create path; a row the call-log sync reconciled takes the same one).
 * The steps (filter, contact, owner, plugins, write, record) are LogSteps; every decision goes on the call's timeline,
 * so an admin can see why it was logged, skipped or failed; connector failures go through the ConnectorErrorPolicy
 * (retry, pause, fail).
 */
@Injectable()
export class CallLoggingJob {
  constructor(
    private readonly callLogs: CallLogRepository,
    private readonly accounts: AccountsRepository,
    private readonly sessions: ConnectorSessionService,
    private readonly steps: LogSteps,
    private readonly policy: ConnectorErrorPolicy,
    private readonly pauses: AccountPauseService,
    private readonly limiter: AccountConcurrencyLimiter,
    private readonly queue: JobQueue,
    private readonly metrics: LoggingMetrics,
    config: ConfigService<AppConfig, true>,
  ) {
    this.recordWaitMs = config.get('app', { infer: true }).callLogRecordWaitSeconds * 1000;
  }

  private readonly recordWaitMs: number;

  // Four fetch loops of 8: a log waits on the CRM (~2 requests), and a pg-boss batch ends with its slowest job.
  @JobHandler('call.log', { workers: 4, concurrency: 8, batchSize: 8 })
  async handle({ callLogId }: { callLogId: string }): Promise<void> {
    const leg = await this.callLogs.claim(callLogId);
    if (!leg) return; // already final
    const timeline: TimelineEntry[] = [{ kind: 'attempt', detail: { attempt: leg.attempts } }];
    try {
      const account = await this.accounts.findById(leg.accountId);
      if (!account) return;
      await this.limiter.run(account.id, () => this.log(leg, account, timeline));
    } finally {
      await this.callLogs.appendTimeline(leg.id, timeline);
    }
  }

  private async log(leg: CallLogRecord, account: AccountRow, timeline: TimelineEntry[]): Promise<void> {
    if (account.pausedReason) {
      timeline.push({ kind: 'paused', detail: { reason: account.pausedReason } });
      await this.callLogs.markWaiting(leg.id, account.pausedReason, null, 'account-paused', timeline);
      return;
    }
    const ctx: LegContext = { leg, account, settings: resolveLoggingSettings(account.settings), timeline, crmRequests: 0 };
    if (await this.steps.filter(ctx)) return;
    if (ctx.settings.logMode === 'single' && (await this.waitForRecord(ctx))) return;

    let session: ConnectorSession;
    try {
      session = await this.sessions.open(account);
    } catch (error) {
      return this.onFailure(leg, account, error, timeline, null);
    }
    const started = Date.now();
    try {
      const found = await this.steps.contact(ctx, session);
      if ('skip' in found) return;
      const { contact, phoneNumber } = found;
      const owner = await this.steps.owner(ctx);
      if ('error' in owner) return;

      const composeInput = composeInputOf(leg, ctx.agent, contact, phoneNumber);
      const callLog = toRcCallLog(leg, ctx.agent?.extensionNumber);
      const defaultSubject = composeSubject(composeInput);
      const submission = defaultSubmission(leg, owner);
      // Sync plugins see App Connect's create payload and may change the note, subject and additionalSubmission.
      const hashedExtensionId = this.sessions.hashedId(leg.rcExtensionId);
      const chain = await this.steps.plugins(
        ctx,
        'createCallLog',
        {
          logInfo: { ...callLog, customSubject: defaultSubject },
          rcExtensionId: leg.rcExtensionId,
          contactId: contact?.id ?? null,
          contactType: contact?.type ?? '',
          contactName: contact?.name ?? leg.otherName ?? '',
          note: '',
          additionalSubmission: submission,
        },
        hashedExtensionId,
      );
      if (chain.outcome === 'blocked') {
        this.metrics.crmRequests.inc({ connector: session.connector.id }, ctx.crmRequests);
        return this.onPluginBlocked(leg, chain, timeline);
      }
      const fromPlugins = honouredFields(chain.payload);
      const logId = await this.steps.create(ctx, session, {
        user: owner.owner,
        contactInfo: { id: contact?.id ?? null, name: contact?.name ?? leg.otherName ?? undefined, phoneNumber: phoneNumber ?? leg.otherNumber ?? '', type: contact?.type },
        callLog,
        subject: fromPlugins.subject ?? defaultSubject,
        ...(fromPlugins.note && { note: fromPlugins.note }),
        additionalSubmission: (fromPlugins.additionalSubmission as AdditionalSubmission | undefined) ?? submission,
        composedLogDetails: composeLogDetails(session.manifest.logFormat, { ...composeInput, note: fromPlugins.note || undefined }, ctx.settings.logDetails),
        hashedAccountId: account.hashedAccountId,
        isFromSSCL: true,
        rcExtensionId: leg.rcExtensionId,
        idempotencyKey: leg.id,
      });
      // Created with the final record (single mode, reconciliation) and nothing more to come: no staged update.
      const final = callValues(leg).from === 'call-log' && leg.recordingState !== 'waiting';
      await this.steps.recordCreated(ctx, session, { logId, contact, owner, chain, hashedExtensionId, ...((final || ctx.settings.logMode === 'single') && { updateState: 'not-needed' as const }) });
    } catch (error) {
      this.metrics.crmRequests.inc({ connector: session.connector.id }, ctx.crmRequests);
      this.metrics.crmLatency.observe({ connector: session.connector.id, outcome: 'error' }, (Date.now() - started) / 1000);
      return this.onFailure(leg, account, error, timeline, session);
    }
  }

  /**
   * Single mode logs once, with the final values: the leg waits (pending, reason `waiting-for-record`) until the
   * call-log sync has merged its final record — and its recording, when the call was recorded — or the bounded wait
   * is over; the sync enqueues it again then. True when the leg waits.
   */
  private async waitForRecord(ctx: LegContext): Promise<boolean> {
    const { leg, timeline } = ctx;
    const ready = leg.recordState === 'merged' && leg.recordingState !== 'waiting';
    const deadline = new Date(leg.callEndedAt.getTime() + this.recordWaitMs);
    if (ready) {
      timeline.push({ kind: 'record', detail: { decision: 'single mode: logged with the call-log record', recordId: leg.recordId } });
      return false;
    }
    if (Date.now() >= deadline.getTime()) {
      timeline.push({ kind: 'record', detail: { decision: `single mode: no final record${leg.recordState === 'merged' ? ' recording' : ''} within the wait; logged with what the events gave`, recordState: leg.recordState, recordingState: leg.recordingState } });
      return false;
    }
    timeline.push({ kind: 'record', detail: { decision: 'single mode: waiting for the final call-log record', until: deadline.toISOString() } });
    await this.callLogs.markWaiting(leg.id, 'waiting for the call-log record', deadline, 'waiting-for-record', timeline);
    return true;
  }

  /** A `block` plugin failed: the log waits and is tried again with backoff, or fails once the plugin's limit is reached. */
  private async onPluginBlocked(leg: CallLogRecord, chain: Extract<SyncChainResult, { outcome: 'blocked' }>, timeline: TimelineEntry[]): Promise<void> {
    const reason = `plugin-blocked:${chain.pluginId}`;
    if (chain.retryDelayMs === null) {
      timeline.push({ kind: 'plugin-blocked', detail: { plugin: chain.pluginId, action: 'fail', reason: chain.reason } });
      this.metrics.logsFailed.inc({ reason: 'plugin-blocked' });
      return this.callLogs.markFailed(leg.id, chain.reason, reason, timeline);
    }
    const at = new Date(Date.now() + chain.retryDelayMs);
    timeline.push({ kind: 'plugin-blocked', detail: { plugin: chain.pluginId, action: 'retry', retryAt: at.toISOString(), reason: chain.reason } });
    await this.callLogs.markWaiting(leg.id, chain.reason, at, reason, timeline);
    await this.queue.enqueue('call.log', { callLogId: leg.id }, { startAfter: at });
    this.metrics.retries.inc({ code: 'PLUGIN' });
  }

  /** `session` is what the failed request used (null when opening it failed). */
  private async onFailure(leg: CallLogRecord, account: AccountRow, error: unknown, timeline: TimelineEntry[], session: ConnectorSession | null): Promise<void> {
    const decision = await this.pauses.apply(account, this.policy.decide(error, leg.attempts), session);
    timeline.push({ kind: 'crm-error', detail: { code: decision.code, action: decision.action, reason: decision.reason } });
    switch (decision.action) {
      case 'retry': {
        const at = new Date(Date.now() + decision.delayMs);
        await this.callLogs.markWaiting(leg.id, decision.reason, at, undefined, timeline);
        await this.queue.enqueue('call.log', { callLogId: leg.id }, { startAfter: at });
        this.metrics.retries.inc({ code: decision.code });
        return;
      }
      case 'pause-account':
        await this.callLogs.markWaiting(leg.id, decision.reason, null, 'account-paused', timeline);
        return;
      default:
        this.metrics.logsFailed.inc({ reason: decision.code });
        await this.callLogs.markFailed(leg.id, decision.reason, decision.code, timeline);
    }
  }
}
