import { Injectable } from '@nestjs/common';
import type { AccountRow } from '../accounts/account.types';
import type { ConnectorSession } from '../accounts/connector-session.service';
import { ExtensionDirectoryCache } from '../accounts/extension-directory.cache';
import type { DirectoryEntry } from '../accounts/extension-directory.repository';
import type { LoggingSettings } from '../accounts/logging-settings';
import type { AdditionalSubmission, RcCallLog } from '../connectors';
import { AsyncPluginService, PluginChainService, type PluginRun, type SyncChainResult } from '../plugins';
import { filterLeg } from './call-filter';
import { CallLogRepository, type TimelineEntry } from './call-log.repository';
import type { CallLogRecord } from './call-log.types';
import { callValues } from './call-values';
import { ContactResolver, toE164 } from './contact-resolver.service';
import type { ComposeInput } from './log-composer';
import { LoggingMetrics } from './logging.metrics';
import { OwnerResolver, type OwnerResolution } from './owner-resolver';

/** What one attempt knows about the leg it is logging; each step adds to it and writes its decision on the timeline. */
export interface LegContext {
  leg: CallLogRecord;
  account: AccountRow;
  settings: LoggingSettings;
  timeline: TimelineEntry[];
  agent?: DirectoryEntry;
  crmRequests: number;
}

export interface ContactFound {
  id?: string;
  name?: string;
  type?: string;
}

export type ContactStep = { contact?: ContactFound; phoneNumber?: string } | { skip: string; decision: string };

/**
 * The named steps of logging one leg — filter, contact, owner, plugins, write, record — shared by the create path
 * (events), the update path (staged mode, once the call-log record is final) and the reconcile path (a record with no
 * row). Each step takes what it needs, does one thing and records its decision on the call's timeline, so each can be
 * tested alone and the paths differ only in which steps they run.
 */
@Injectable()
export class LogSteps {
  constructor(
    private readonly callLogs: CallLogRepository,
    private readonly directory: ExtensionDirectoryCache,
    private readonly contacts: ContactResolver,
    private readonly owners: OwnerResolver,
    private readonly metrics: LoggingMetrics,
    private readonly pluginChain: PluginChainService,
    private readonly asyncPlugins: AsyncPluginService,
  ) {}

  /** filter: the admin's filters; null when the leg is admitted, else the skip reason (the row is marked skipped). */
  async filter(ctx: LegContext): Promise<string | null> {
    const { leg, account } = ctx;
    ctx.agent = await this.directory.entry(account.id, leg.rcExtensionId);
    const skip = filterLeg(
      {
        leg,
        agentExtensionNumber: ctx.agent?.extensionNumber,
        otherExtensionNumber: leg.internal ? (leg.otherNumber ?? undefined) : undefined,
        mode: account.mode,
        adminExtensionId: account.adminExtensionId,
      },
      ctx.settings.filters,
    );
    if (skip) {
      await this.skip(ctx, skip, { filter: skip });
      return skip;
    }
    ctx.timeline.push({ kind: 'filters', detail: { admitted: true } });
    return null;
  }

  /** contact: the other party's number -> a CRM contact under the admin's policies (internal calls have none). */
  async contact(ctx: LegContext, session: ConnectorSession): Promise<ContactStep> {
    const { leg } = ctx;
    const phoneNumber = toE164(leg.otherNumber);
    if (!phoneNumber || leg.internal) {
      ctx.timeline.push({ kind: 'contact', detail: { decision: leg.internal ? 'internal call: no contact lookup' : 'no callable number: logged without a contact' } });
      return { phoneNumber };
    }
    const resolution = await this.contacts.resolve({
      connector: session.connector,
      ctx: session.ctx,
      authHeader: session.authHeader,
      phoneNumber,
      policy: ctx.settings.contactPolicy,
      newContactName: leg.otherName ?? undefined,
      idempotencyKey: leg.id,
    });
    ctx.crmRequests += resolution.crmRequests;
    ctx.timeline.push({ kind: 'contact', detail: { decision: resolution.decision, crmRequests: resolution.crmRequests } });
    if ('skip' in resolution) {
      await this.skip(ctx, resolution.skip, { contact: resolution.decision });
      return { skip: resolution.skip, decision: resolution.decision };
    }
    return { contact: resolution.contact, phoneNumber };
  }

  /** owner: who owns the CRM record; a leg nobody can own fails (the admin sets a CRM user and retries). */
  async owner(ctx: LegContext): Promise<OwnerResolution> {
    const owner = await this.owners.resolve(ctx.account.id, ctx.leg.rcExtensionId, ctx.settings);
    if ('error' in owner) {
      ctx.timeline.push({ kind: 'owner', detail: { error: owner.error } });
      this.metrics.logsFailed.inc({ reason: 'no-owner' });
      await this.callLogs.markFailed(ctx.leg.id, owner.error, 'no-owner', ctx.timeline);
      return owner;
    }
    ctx.timeline.push({ kind: 'owner', detail: { crmUserId: owner.owner.id, source: owner.source, decision: owner.decision } });
    return owner;
  }

  /** plugins: the sync chain on App Connect's payload for this operation; one timeline entry per plugin run. */
  async plugins(ctx: LegContext, operation: 'createCallLog' | 'updateCallLog', payload: Record<string, unknown>, hashedExtensionId: string): Promise<SyncChainResult> {
    const chain = await this.pluginChain.run({ accountId: ctx.account.id, logType: 'call', operation, attempt: ctx.leg.attempts, hashedExtensionId, payload });
    this.recordPluginRuns(chain.runs, ctx.timeline);
    return chain;
  }

  /** write (create): the connector's createCallLog; returns the CRM's log id. */
  async create(ctx: LegContext, session: ConnectorSession, args: Omit<Parameters<ConnectorSession['connector']['createCallLog']>[0], 'ctx' | 'authHeader'>): Promise<string> {
    const started = Date.now();
    ctx.crmRequests++;
    const { logId } = await session.connector.createCallLog({ ctx: session.ctx, authHeader: session.authHeader, ...args });
    this.metrics.crmLatency.observe({ connector: session.connector.id, outcome: 'ok' }, (Date.now() - started) / 1000);
    ctx.timeline.push({ kind: 'crm', detail: { operation: 'createCallLog', outcome: 'created', crmLogId: logId, ms: Date.now() - started } });
    return logId;
  }

  /** write (update): the connector's updateCallLog on the CRM log this leg created. */
  async update(ctx: LegContext, session: ConnectorSession, args: Omit<Parameters<ConnectorSession['connector']['updateCallLog']>[0], 'ctx' | 'authHeader'>): Promise<void> {
    const started = Date.now();
    ctx.crmRequests++;
    await session.connector.updateCallLog({ ctx: session.ctx, authHeader: session.authHeader, ...args });
    ctx.timeline.push({
      kind: 'crm',
      detail: { operation: 'updateCallLog', outcome: 'updated', duration: args.duration, result: args.result, recordingLink: args.recordingLink ?? null, recording: ctx.leg.recordingState, ms: Date.now() - started },
    });
  }

  /** record (update): the row's one update is done. */
  async recordUpdated(ctx: LegContext, session: ConnectorSession): Promise<void> {
    await this.callLogs.markUpdated(ctx.leg.id, ctx.timeline);
    this.metrics.logsUpdated.inc({ connector: session.connector.id });
    this.metrics.crmRequests.inc({ connector: session.connector.id }, ctx.crmRequests);
  }

  /**
   * record (create): async plugins scheduled, then the row marked logged. Plugins first, so a crash in between still
   * dispatches them on the retry (tasks are created once per call).
   */
  async recordCreated(
    ctx: LegContext,
    session: ConnectorSession,
    outcome: { logId: string; contact?: ContactFound; owner: Extract<OwnerResolution, { owner: unknown }>; chain: Extract<SyncChainResult, { outcome: 'passed' }>; hashedExtensionId: string; updateState?: 'not-needed' },
  ): Promise<void> {
    const { leg, account, timeline } = ctx;
    const scheduled = await this.asyncPlugins.schedule({ accountId: account.id, callLogId: leg.id, logType: 'call', operation: 'createCallLog', payload: outcome.chain.payload, hashedExtensionId: outcome.hashedExtensionId });
    for (const plugin of scheduled) timeline.push({ kind: 'plugin-async', detail: { plugin, outcome: 'scheduled' } });
    const skipped = outcome.chain.runs.filter((r) => r.action === 'ignored').map((r) => r.pluginId);
    timeline.push({ kind: 'logged', detail: { crmLogId: outcome.logId, source: leg.source } });
    await this.callLogs.markLogged(leg.id, {
      crmLogId: outcome.logId,
      contactId: outcome.contact?.id,
      crmUserId: outcome.owner.owner.id,
      ownerSource: outcome.owner.source,
      ...(skipped.length && { reason: `plugin-skipped:${skipped.join(',')}` }),
      ...(outcome.updateState && { updateState: outcome.updateState }),
    }, timeline);
    this.metrics.logsCreated.inc({ connector: session.connector.id });
    if (leg.source === 'call-log') this.metrics.logsReconciled.inc();
    this.metrics.crmRequests.inc({ connector: session.connector.id }, ctx.crmRequests);
    this.metrics.callEndToLog.observe((Date.now() - leg.callEndedAt.getTime()) / 1000);
  }

  async skip(ctx: LegContext, reason: string, detail: Record<string, unknown>): Promise<void> {
    ctx.timeline.push({ kind: 'skipped', detail: { reason, ...detail } });
    this.metrics.logsSkipped.inc({ reason });
    await this.callLogs.markSkipped(ctx.leg.id, reason, ctx.timeline);
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
}

/** The composer's input for a leg: the call-log record's values where it is merged, the events' otherwise. */
export function composeInputOf(leg: CallLogRecord, agent: DirectoryEntry | undefined, contact: ContactFound | undefined, phoneNumber: string | undefined): ComposeInput {
  const values = callValues(leg);
  return {
    direction: leg.direction,
    kind: leg.kind,
    result: values.result,
    contactName: contact?.name ?? leg.otherName ?? undefined,
    contactNumber: phoneNumber ?? leg.otherNumber ?? undefined,
    agentName: agent?.name,
    agentNumber: leg.agentNumber ?? undefined,
    agentExtensionNumber: agent?.extensionNumber,
    startTime: leg.startedAt,
    durationSeconds: values.durationSeconds,
    sessionId: leg.sessionId,
    ...(values.recordingLink && { recordingLink: values.recordingLink }),
    ...(values.voicemailLink && { voicemailLink: values.voicemailLink }),
  };
}

/** The leg in RingCentral's call-record shape, as App Connect connectors receive `callLog`. */
export function toRcCallLog(leg: CallLogRecord, agentExtensionNumber?: string): RcCallLog {
  const values = callValues(leg);
  const agent = { phoneNumber: leg.agentNumber ?? undefined, extensionId: leg.rcExtensionId, extensionNumber: agentExtensionNumber };
  const other = { phoneNumber: leg.otherNumber ?? undefined, name: leg.otherName ?? undefined };
  return {
    ...(leg.recordId && { id: leg.recordId }),
    sessionId: leg.sessionId ?? '',
    telephonySessionId: leg.telephonySessionId,
    direction: leg.direction,
    startTime: leg.startedAt.toISOString(),
    duration: values.durationSeconds,
    result: values.result,
    from: leg.direction === 'Inbound' ? other : agent,
    to: leg.direction === 'Inbound' ? agent : other,
    ...(values.recordingLink && { recording: { link: values.recordingLink } }),
    ...(values.voicemailLink && { voicemailLink: values.voicemailLink }),
  };
}

export function defaultSubmission(leg: CallLogRecord, owner: Extract<OwnerResolution, { owner: unknown }>): AdditionalSubmission {
  return { isAssignedToUser: owner.source === 'agent-mapping', adminAssignedUserRcId: leg.rcExtensionId };
}
