import { Injectable } from '@nestjs/common';
import { AccountsRepository } from '../accounts/accounts.repository';
import { ConnectorSessionService } from '../accounts/connector-session.service';
import { ConnectorError, ConnectorErrorPolicy } from '../connectors';
import { JobHandler } from '../jobs/job-handler.decorator';
import { AsyncPluginService, type AsyncPluginTask } from '../plugins';
import { CallLogRepository } from './call-log.repository';
import { LoggingMetrics } from './logging.metrics';

/** A paused account (broken CRM settings) is retried this often while the admin fixes it, this many times. */
const PAUSED_RETRY_MS = 10 * 60_000;
const PAUSED_MAX_ATTEMPTS = 6;

/**
 * The call-log side of async plugins: the plugins module talks to plugin servers, this job puts the results on the
 * call (its timeline) and in the CRM (a successful callback's note, appended through the connector's updateCallLog).
 * The task id is a capability: it never goes into a timeline, a log line or an idempotency key.
 */
@Injectable()
export class PluginTasksJob {
  constructor(
    private readonly asyncPlugins: AsyncPluginService,
    private readonly callLogs: CallLogRepository,
    private readonly accounts: AccountsRepository,
    private readonly sessions: ConnectorSessionService,
    private readonly policy: ConnectorErrorPolicy,
    private readonly metrics: LoggingMetrics,
  ) {}

  @JobHandler('plugins.dispatch', { concurrency: 8 })
  async dispatch({ taskId }: { taskId: string }): Promise<void> {
    const done = await this.asyncPlugins.dispatch(taskId);
    if (!done) return;
    const { task, result } = done;
    this.metrics.pluginInvocations.inc({ plugin: result.pluginId, kind: 'async-dispatch', outcome: result.outcome });
    await this.callLogs.appendTimeline(task.callLogId, [
      { kind: 'plugin-async', detail: { plugin: result.pluginId, outcome: result.outcome, ms: result.ms, ...(result.message && { reason: result.message }) } },
    ]);
  }

  @JobHandler('plugins.callback', { concurrency: 8 })
  async callback({ taskId }: { taskId: string }): Promise<void> {
    const task = await this.asyncPlugins.findTask(taskId);
    if (!task?.callbackAt) return;
    if (task.status === 'failed' && task.callbackNote === null && task.appendAttempts === 0) {
      // The plugin reported failure (the callback closed the task already).
      this.metrics.pluginInvocations.inc({ plugin: task.pluginId, kind: 'async-callback', outcome: 'failure' });
      await this.timeline(task, 'plugin-reported-failure', { reason: task.message ?? 'Async plugin callback failed' });
      return;
    }
    if (task.status !== 'pending') return;
    const note = task.callbackNote?.trim() ? task.callbackNote : '';
    try {
      if (note) await this.appendNote(task, note);
      await this.asyncPlugins.complete(task.id);
      this.metrics.pluginInvocations.inc({ plugin: task.pluginId, kind: 'async-callback', outcome: 'success' });
      await this.timeline(task, note ? 'note-appended' : 'completed-without-note');
    } catch (error) {
      const attempt = await this.asyncPlugins.countAppendAttempt(task.id);
      const decision = this.policy.decide(error, attempt);
      const retryMs = decision.action === 'retry' ? decision.delayMs : decision.action === 'pause-account' && attempt < PAUSED_MAX_ATTEMPTS ? PAUSED_RETRY_MS : null;
      if (retryMs !== null) {
        await this.asyncPlugins.retryCallbackLater(task.id, attempt, retryMs);
        await this.timeline(task, 'note-append-retry', { reason: decision.reason, code: decision.code });
        return;
      }
      const message = `Could not append the plugin's note to the CRM log: ${decision.reason}`;
      await this.asyncPlugins.fail(task.id, message);
      this.metrics.pluginInvocations.inc({ plugin: task.pluginId, kind: 'async-callback', outcome: 'append-failed' });
      await this.timeline(task, 'note-append-failed', { reason: message, code: decision.code });
    }
  }

  private async appendNote(task: AsyncPluginTask, note: string): Promise<void> {
    const leg = await this.callLogs.findById(task.accountId, task.callLogId);
    if (!leg?.crmLogId) {
      // The task is created just before the call is marked logged; a callback may overtake that by a moment.
      const loggingStill = leg?.status === 'pending' || leg?.status === 'logging';
      throw new ConnectorError(loggingStill ? 'TEMPORARY' : 'NOT_FOUND', loggingStill ? 'the call is not logged yet' : 'the call has no CRM log', { operation: 'updateCallLog' });
    }
    const account = await this.accounts.findById(task.accountId);
    if (!account) throw new ConnectorError('NOT_FOUND', 'the account no longer exists', { operation: 'updateCallLog' });
    const session = await this.sessions.open(account);
    await session.connector.updateCallLog({
      ctx: session.ctx,
      authHeader: session.authHeader,
      thirdPartyLogId: leg.crmLogId,
      user: { id: leg.crmUserId ?? '' },
      appendNote: note,
      idempotencyKey: `plugin-note-${this.sessions.hashedId(task.id).slice(0, 40)}`,
    });
  }

  private async timeline(task: AsyncPluginTask, outcome: string, extra: Record<string, unknown> = {}): Promise<void> {
    await this.callLogs.appendTimeline(task.callLogId, [{ kind: 'plugin-async', detail: { plugin: task.pluginId, outcome, ...extra } }]);
  }
}
