import { Injectable } from '@nestjs/common';
import { AccountsRepository } from '../accounts/accounts.repository';
import { type ConnectorSession, ConnectorSessionService } from '../accounts/connector-session.service';
import { resolveLoggingSettings } from '../accounts/logging-settings';
import { ConnectorErrorPolicy } from '../connectors';
import { JobHandler } from '../jobs/job-handler.decorator';
import { JobQueue } from '../jobs/job-queue.service';
import { honouredFields } from '../plugins';
import { AccountConcurrencyLimiter } from './account-concurrency.limiter';
import { AccountPauseService } from './account-pause.service';
import { CallLogRepository, type TimelineEntry } from './call-log.repository';
import type { CallLogRecord } from './call-log.types';
import { callValues } from './call-values';
import { composeLogDetails, recordSections, upsertSections } from './log-composer';
import { composeInputOf, type LegContext, LogSteps, toRcCallLog } from './log-steps';
import { LoggingMetrics } from './logging.metrics';

/**
 * Staged mode's one update: once the call-log sync has merged the final record (and the recording, or given up
 * waiting for it), the CRM log gets RingCentral's exact duration, result and recording / voicemail link. The update is
 * composed onto the log's current body (the connector's getCallLog) replacing only the service's own sections, so a
 * note a person typed in the CRM meanwhile survives; sync plugins run first, as App Connect runs them on updates.
 */
@Injectable()
export class CallUpdateJob {
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
  ) {}

  @JobHandler('call.update', { concurrency: 4 })
  async handle({ callLogId, attempt = 1 }: { callLogId: string; attempt?: number }): Promise<void> {
    const leg = await this.callLogs.claimUpdate(callLogId);
    if (!leg) return; // already updated, or not due
    const timeline: TimelineEntry[] = [{ kind: 'update-attempt', detail: { attempt } }];
    try {
      const account = await this.accounts.findById(leg.accountId);
      if (!account) return;
      const ctx: LegContext = { leg: { ...leg, attempts: attempt }, account, settings: resolveLoggingSettings(account.settings), timeline, crmRequests: 0 };
      await this.limiter.run(account.id, () => this.update(ctx, attempt), 'background');
    } finally {
      await this.callLogs.appendTimeline(leg.id, timeline);
    }
  }

  private async update(ctx: LegContext, attempt: number): Promise<void> {
    const { leg, account, settings, timeline } = ctx;
    if (account.pausedReason) return this.retryLater(leg, account.pausedReason, 60_000, attempt, timeline);
    let session: ConnectorSession | null = null;
    try {
      session = await this.sessions.open(account);
      const values = callValues(leg);
      const hashedExtensionId = this.sessions.hashedId(leg.rcExtensionId);
      const callLog = toRcCallLog(leg);
      const chain = await this.steps.plugins(
        ctx,
        'updateCallLog',
        {
          sessionId: leg.sessionId ?? '',
          telephonySessionId: leg.telephonySessionId,
          rcExtensionId: leg.rcExtensionId,
          accountId: account.rcAccountId,
          duration: values.durationSeconds,
          result: values.result,
          ...(values.recordingLink && { recordingLink: values.recordingLink }),
          ...(values.voicemailLink && { voicemailLink: values.voicemailLink }),
          note: '',
        },
        hashedExtensionId,
      );
      if (chain.outcome === 'blocked') {
        if (chain.retryDelayMs === null) return this.fail(leg, chain.reason, timeline);
        return this.retryLater(leg, chain.reason, chain.retryDelayMs, attempt, timeline);
      }
      const fromPlugins = honouredFields(chain.payload);
      // Compose onto what the CRM holds now: only our record sections are replaced, a person's text stays.
      const current = session.connector.getCallLog ? await session.connector.getCallLog({ ctx: session.ctx, authHeader: session.authHeader, thirdPartyLogId: leg.crmLogId! }) : undefined;
      if (session.connector.getCallLog) ctx.crmRequests++;
      const format = session.manifest.logFormat;
      const composedLogDetails =
        current?.fullBody !== undefined
          ? upsertSections(format, current.fullBody, recordSections(values, settings.logDetails))
          : composeLogDetails(format, composeInputOf(leg, undefined, undefined, undefined), settings.logDetails);
      timeline.push({ kind: 'compose', detail: { onto: current?.fullBody !== undefined ? 'the CRM log as it is now (getCallLog)' : 'a fresh body (the connector cannot read the log)' } });
      await this.steps.update(ctx, session, {
        thirdPartyLogId: leg.crmLogId!,
        user: { id: leg.crmUserId ?? '' },
        composedLogDetails,
        ...(fromPlugins.note && { appendNote: fromPlugins.note }),
        callLog,
        duration: values.durationSeconds,
        result: values.result,
        ...(values.recordingLink && { recordingLink: values.recordingLink }),
        idempotencyKey: `${leg.id}:update`,
      });
      await this.steps.recordUpdated(ctx, session);
    } catch (error) {
      const decision = await this.pauses.retryIfCredentialsReplaced(account, this.policy.decide(error, attempt), session);
      timeline.push({ kind: 'crm-error', detail: { operation: 'updateCallLog', code: decision.code, action: decision.action, reason: decision.reason } });
      if (decision.action === 'retry') return this.retryLater(leg, decision.reason, decision.delayMs, attempt, timeline);
      // Failed (an update never pauses the account): the log the CRM has stays; the admin sees why it was not updated.
      return this.fail(leg, decision.reason, timeline);
    }
  }

  private async retryLater(leg: CallLogRecord, reason: string, delayMs: number, attempt: number, timeline: TimelineEntry[]): Promise<void> {
    const at = new Date(Date.now() + delayMs);
    timeline.push({ kind: 'update-waiting', detail: { reason, retryAt: at.toISOString() } });
    await this.callLogs.markUpdateFailed(leg.id, reason, at, timeline);
    await this.queue.enqueue('call.update', { callLogId: leg.id, attempt: attempt + 1 }, { startAfter: at });
    this.metrics.retries.inc({ code: 'UPDATE' });
  }

  private async fail(leg: CallLogRecord, reason: string, timeline: TimelineEntry[]): Promise<void> {
    timeline.push({ kind: 'update-failed', detail: { reason } });
    await this.callLogs.markUpdateFailed(leg.id, reason, null, timeline);
  }
}
