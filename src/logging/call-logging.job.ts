import { Injectable, Logger } from '@nestjs/common';
import { AccountsRepository } from '../accounts/accounts.repository';
import type { AccountRow } from '../accounts/account.types';
import { ConnectorSessionService, type ConnectorSession } from '../accounts/connector-session.service';
import { ExtensionDirectoryCache } from '../accounts/extension-directory.cache';
import { resolveLoggingSettings } from '../accounts/logging-settings';
import { type AdditionalSubmission, ConnectorErrorPolicy, type RcCallLog } from '../connectors';
import { JobHandler } from '../jobs/job-handler.decorator';
import { JobQueue } from '../jobs/job-queue.service';
import { AsyncPluginService, honouredFields, PluginChainService, type PluginRun, type SyncChainResult } from '../plugins';
import { AccountConcurrencyLimiter } from './account-concurrency.limiter';
import { filterLeg } from './call-filter';
import { CallLogRepository, type TimelineEntry } from './call-log.repository';
import type { CallLogRecord } from './call-log.types';
import { ContactResolver, toE164 } from './contact-resolver.service';
import { composeLogDetails, composeSubject, type ComposeInput } from './log-composer';
import { LoggingMetrics } from './logging.metrics';
import { OwnerResolver } from './owner-resolver';

/**
 * One ended agent leg -> one CRM call log. Every decision goes on the call's timeline, so an admin can see why it
 * was logged, skipped or failed; connector failures go through the ConnectorErrorPolicy (retry, pause, fail).
 */
@Injectable()
export class CallLoggingJob {
  private readonly logger = new Logger(CallLoggingJob.name);

  constructor(
    private readonly callLogs: CallLogRepository,
    private readonly accounts: AccountsRepository,
    private readonly directory: ExtensionDirectoryCache,
    private readonly sessions: ConnectorSessionService,
    private readonly contacts: ContactResolver,
    private readonly owners: OwnerResolver,
    private readonly policy: ConnectorErrorPolicy,
    private readonly limiter: AccountConcurrencyLimiter,
    private readonly queue: JobQueue,
    private readonly metrics: LoggingMetrics,
    private readonly pluginChain: PluginChainService,
    private readonly asyncPlugins: AsyncPluginService,
  ) {}

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
      await this.callLogs.markWaiting(leg.id, account.pausedReason, null, 'account-paused');
      return;
    }
    const settings = resolveLoggingSettings(account.settings);
    const agent = await this.directory.entry(account.id, leg.rcExtensionId);
    const skip = filterLeg(
      {
        leg,
        agentExtensionNumber: agent?.extensionNumber,
        otherExtensionNumber: leg.internal ? (leg.otherNumber ?? undefined) : undefined,
        mode: account.mode,
        adminExtensionId: account.adminExtensionId,
      },
      settings.filters,
    );
    if (skip) return this.skip(leg, skip, timeline, { filter: skip });
    timeline.push({ kind: 'filters', detail: { admitted: true } });

    let session: ConnectorSession;
    try {
      session = await this.sessions.open(account);
    } catch (error) {
      return this.onFailure(leg, account, error, timeline);
    }
    const started = Date.now();
    let crmRequests = 0;
    try {
      const phoneNumber = toE164(leg.otherNumber);
      let contact: { id?: string; name?: string; type?: string } | undefined;
      if (phoneNumber && !leg.internal) {
        const resolution = await this.contacts.resolve({
          connector: session.connector,
          ctx: session.ctx,
          authHeader: session.authHeader,
          phoneNumber,
          policy: settings.contactPolicy,
          newContactName: leg.otherName ?? undefined,
          idempotencyKey: leg.id,
        });
        crmRequests += resolution.crmRequests;
        timeline.push({ kind: 'contact', detail: { decision: resolution.decision, crmRequests: resolution.crmRequests } });
        if ('skip' in resolution) return this.skip(leg, resolution.skip, timeline, { contact: resolution.decision });
        contact = resolution.contact;
      } else {
        timeline.push({ kind: 'contact', detail: { decision: leg.internal ? 'internal call: no contact lookup' : 'no callable number: logged without a contact' } });
      }

      const owner = await this.owners.resolve(account.id, leg.rcExtensionId, settings);
      if ('error' in owner) {
        timeline.push({ kind: 'owner', detail: { error: owner.error } });
        this.metrics.logsFailed.inc({ reason: 'no-owner' });
        return this.callLogs.markFailed(leg.id, owner.error, 'no-owner');
      }
      timeline.push({ kind: 'owner', detail: { crmUserId: owner.owner.id, source: owner.source, decision: owner.decision } });

      const composeInput: ComposeInput = {
        direction: leg.direction,
        kind: leg.kind,
        result: leg.result,
        contactName: contact?.name ?? leg.otherName ?? undefined,
        contactNumber: phoneNumber ?? leg.otherNumber ?? undefined,
        agentName: agent?.name,
        agentNumber: leg.agentNumber ?? undefined,
        agentExtensionNumber: agent?.extensionNumber,
        startTime: leg.startedAt,
        durationSeconds: leg.talkSeconds,
        sessionId: leg.sessionId,
      };
      const callLog = toRcCallLog(leg, agent?.extensionNumber);
      const defaultSubject = composeSubject(composeInput);
      const defaultSubmission: AdditionalSubmission = { isAssignedToUser: owner.source === 'agent-mapping', adminAssignedUserRcId: leg.rcExtensionId };
      // Sync plugins see App Connect's create payload and may change the note, subject and additionalSubmission.
      const hashedExtensionId = this.sessions.hashedId(leg.rcExtensionId);
      const chain = await this.pluginChain.run({
        accountId: account.id,
        logType: 'call',
        operation: 'createCallLog',
        attempt: leg.attempts,
        hashedExtensionId,
        payload: {
          logInfo: { ...callLog, customSubject: defaultSubject },
          rcExtensionId: leg.rcExtensionId,
          contactId: contact?.id ?? null,
          contactType: contact?.type ?? '',
          contactName: contact?.name ?? leg.otherName ?? '',
          note: '',
          additionalSubmission: defaultSubmission,
        },
      });
      this.recordPluginRuns(chain.runs, timeline);
      if (chain.outcome === 'blocked') {
        this.metrics.crmRequests.inc({ connector: session.connector.id }, crmRequests);
        return this.onPluginBlocked(leg, chain, timeline);
      }
      const fromPlugins = honouredFields(chain.payload);
      const composedLogDetails = composeLogDetails(session.manifest.logFormat, { ...composeInput, note: fromPlugins.note || undefined }, settings.logDetails);
      crmRequests++;
      const { logId } = await session.connector.createCallLog({
        ctx: session.ctx,
        authHeader: session.authHeader,
        user: owner.owner,
        contactInfo: { id: contact?.id ?? null, name: contact?.name ?? leg.otherName ?? undefined, phoneNumber: phoneNumber ?? leg.otherNumber ?? '', type: contact?.type },
        callLog,
        subject: fromPlugins.subject ?? defaultSubject,
        ...(fromPlugins.note && { note: fromPlugins.note }),
        additionalSubmission: (fromPlugins.additionalSubmission as AdditionalSubmission | undefined) ?? defaultSubmission,
        composedLogDetails,
        hashedAccountId: account.hashedAccountId,
        isFromSSCL: true,
        rcExtensionId: leg.rcExtensionId,
        idempotencyKey: leg.id,
      });
      this.metrics.crmLatency.observe({ connector: session.connector.id, outcome: 'ok' }, (Date.now() - started) / 1000);
      timeline.push({ kind: 'crm', detail: { operation: 'createCallLog', outcome: 'created', crmLogId: logId, ms: Date.now() - started } });
      // Before markLogged, so a crash in between still dispatches them on the retry (tasks are created once per call).
      const scheduled = await this.asyncPlugins.schedule({ accountId: account.id, callLogId: leg.id, logType: 'call', operation: 'createCallLog', payload: chain.payload, hashedExtensionId });
      for (const plugin of scheduled) timeline.push({ kind: 'plugin-async', detail: { plugin, outcome: 'scheduled' } });
      const skipped = chain.runs.filter((r) => r.action === 'ignored').map((r) => r.pluginId);
      await this.callLogs.markLogged(leg.id, {
        crmLogId: logId,
        contactId: contact?.id,
        crmUserId: owner.owner.id,
        ownerSource: owner.source,
        ...(skipped.length && { reason: `plugin-skipped:${skipped.join(',')}` }),
      });
      timeline.push({ kind: 'logged', detail: { crmLogId: logId } });
      this.metrics.logsCreated.inc({ connector: session.connector.id });
      this.metrics.crmRequests.inc({ connector: session.connector.id }, crmRequests);
      this.metrics.callEndToLog.observe((Date.now() - leg.callEndedAt.getTime()) / 1000);
    } catch (error) {
      this.metrics.crmRequests.inc({ connector: session.connector.id }, crmRequests);
      this.metrics.crmLatency.observe({ connector: session.connector.id, outcome: 'error' }, (Date.now() - started) / 1000);
      return this.onFailure(leg, account, error, timeline);
    }
  }

  /** One timeline entry per plugin run; a failure the `skip` policy let through also gets a warning. */
  private recordPluginRuns(runs: PluginRun[], timeline: TimelineEntry[]): void {
    for (const run of runs) {
      this.metrics.pluginInvocations.inc({ plugin: run.pluginId, kind: 'sync', outcome: run.outcome });
      const { pluginId, ...detail } = run;
      timeline.push({ kind: 'plugin', detail: { plugin: pluginId, ...detail } });
      if (run.action === 'ignored') {
        timeline.push({ kind: 'plugin-warning', detail: { plugin: pluginId, policy: 'skip', reason: `logged without this plugin's change: ${run.reason}` } });
      }
    }
  }

  /** A `block` plugin failed: the log waits and is tried again with backoff, or fails once the plugin's limit is reached. */
  private async onPluginBlocked(leg: CallLogRecord, chain: Extract<SyncChainResult, { outcome: 'blocked' }>, timeline: TimelineEntry[]): Promise<void> {
    const reason = `plugin-blocked:${chain.pluginId}`;
    if (chain.retryDelayMs === null) {
      timeline.push({ kind: 'plugin-blocked', detail: { plugin: chain.pluginId, action: 'fail', reason: chain.reason } });
      this.metrics.logsFailed.inc({ reason: 'plugin-blocked' });
      return this.callLogs.markFailed(leg.id, chain.reason, reason);
    }
    const at = new Date(Date.now() + chain.retryDelayMs);
    timeline.push({ kind: 'plugin-blocked', detail: { plugin: chain.pluginId, action: 'retry', retryAt: at.toISOString(), reason: chain.reason } });
    await this.callLogs.markWaiting(leg.id, chain.reason, at, reason);
    await this.queue.enqueue('call.log', { callLogId: leg.id }, { startAfter: at });
    this.metrics.retries.inc({ code: 'PLUGIN' });
  }

  private async skip(leg: CallLogRecord, reason: string, timeline: TimelineEntry[], detail: Record<string, unknown>): Promise<void> {
    timeline.push({ kind: 'skipped', detail: { reason, ...detail } });
    this.metrics.logsSkipped.inc({ reason });
    await this.callLogs.markSkipped(leg.id, reason);
  }

  private async onFailure(leg: CallLogRecord, account: AccountRow, error: unknown, timeline: TimelineEntry[]): Promise<void> {
    const decision = this.policy.decide(error, leg.attempts);
    timeline.push({ kind: 'crm-error', detail: { code: decision.code, action: decision.action, reason: decision.reason } });
    switch (decision.action) {
      case 'retry': {
        const at = new Date(Date.now() + decision.delayMs);
        await this.callLogs.markWaiting(leg.id, decision.reason, at);
        await this.queue.enqueue('call.log', { callLogId: leg.id }, { startAfter: at });
        this.metrics.retries.inc({ code: decision.code });
        return;
      }
      case 'pause-account':
        this.logger.warn({ accountId: account.id, reason: decision.reason }, 'pausing the account: logging waits for the admin');
        await this.accounts.update(account.id, { pausedReason: decision.reason });
        await this.callLogs.markWaiting(leg.id, decision.reason, null, 'account-paused');
        return;
      default:
        this.metrics.logsFailed.inc({ reason: decision.code });
        await this.callLogs.markFailed(leg.id, decision.reason, decision.code);
    }
  }
}

/** The leg in RingCentral's call-record shape, as App Connect connectors receive `callLog`. */
function toRcCallLog(leg: CallLogRecord, agentExtensionNumber?: string): RcCallLog {
  const agent = { phoneNumber: leg.agentNumber ?? undefined, extensionId: leg.rcExtensionId, extensionNumber: agentExtensionNumber };
  const other = { phoneNumber: leg.otherNumber ?? undefined, name: leg.otherName ?? undefined };
  return {
    sessionId: leg.sessionId ?? '',
    telephonySessionId: leg.telephonySessionId,
    direction: leg.direction,
    startTime: leg.startedAt.toISOString(),
    duration: leg.talkSeconds,
    result: leg.result,
    from: leg.direction === 'Inbound' ? other : agent,
    to: leg.direction === 'Inbound' ? agent : other,
  };
}
