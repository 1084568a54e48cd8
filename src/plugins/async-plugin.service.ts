import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { deterministicUuid, JobQueue } from '../jobs/job-queue.service';
import { type AsyncOperation, type AsyncPluginTask, AsyncPluginTaskRepository } from './async-plugin-task.repository';
import type { CallbackReport } from './async-callback.body';
import { PluginCallError } from './plugin-call.error';
import { configFor, PLUGIN_BUDGET_SHARE } from './plugin-chain.service';
import { PluginLicenseService } from './plugin-license.service';
import { PluginInvoker } from './plugin.invoker';
import type { InstalledPlugin, LoggingPayload, LogType } from './plugin.types';
import { PluginsRepository } from './plugins.repository';

/** App Connect's async task cache lives one week; so does the callback capability. */
export const ASYNC_TASK_TTL_MS = 7 * 24 * 3600 * 1000;

export interface ScheduleInput {
  accountId: string;
  callLogId: string;
  logType: LogType;
  operation: AsyncOperation;
  /** The payload after the sync chain: what the connector logged. */
  payload: LoggingPayload;
  hashedExtensionId?: string;
}

export interface DispatchResult {
  pluginId: string;
  outcome: 'dispatched' | 'failed' | 'unlicensed' | 'gone';
  ms: number;
  message?: string;
}

export function asyncPluginsFor(plugins: InstalledPlugin[], logType: LogType): InstalledPlugin[] {
  return plugins.filter((p) => p.manifest.isAsync && p.manifest.supportedLogTypes.includes(logType));
}

/**
 * Async plugins, after the log is saved: one task per plugin (its random id is the callback capability, valid a week),
 * dispatched by its own job so a slow plugin never delays logging: token sync (POST tokenSyncUrl `{}`), then POST
 * endpointUrl `{data, config, asyncTaskId, callbackUrl, hashedExtensionId}`. A failed dispatch fails the task; the
 * log stays as it is. The plugin reports back once to `POST /plugins/async-callback/<taskId>`.
 */
@Injectable()
export class AsyncPluginService {
  private readonly publicBaseUrl: string;
  /** Token sync and dispatch together stay within this share of the job timeout (see PLUGIN_BUDGET_SHARE). */
  private readonly budgetMs: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tasks: AsyncPluginTaskRepository,
    private readonly plugins: PluginsRepository,
    private readonly invoker: PluginInvoker,
    private readonly licenses: PluginLicenseService,
    private readonly queue: JobQueue,
    config: ConfigService<AppConfig, true>,
  ) {
    const app = config.get('app', { infer: true });
    this.publicBaseUrl = app.publicBaseUrl;
    this.budgetMs = app.jobTimeoutSeconds * 1000 * PLUGIN_BUDGET_SHARE;
  }

  /**
   * Creates the tasks of the account's enabled async plugins for this log and enqueues their dispatch, in one
   * transaction. Idempotent per (call, plugin, operation): a retried logging attempt creates nothing new. Returns the
   * plugins a task was created for.
   */
  async schedule(input: ScheduleInput): Promise<string[]> {
    const plugins = asyncPluginsFor(await this.plugins.listEnabled(input.accountId), input.logType);
    if (!plugins.length) return [];
    const created = await this.dataSource.transaction(async (m) => {
      const ids: string[] = [];
      for (const plugin of plugins) {
        const task = await this.tasks.createOnce(
          {
            id: randomUUID(),
            accountId: input.accountId,
            callLogId: input.callLogId,
            pluginId: plugin.pluginId,
            operation: input.operation,
            data: input.payload,
            hashedExtensionId: input.hashedExtensionId ?? null,
            expiresAt: new Date(Date.now() + ASYNC_TASK_TTL_MS),
          },
          m,
        );
        if (!task) continue;
        await this.queue.enqueue('plugins.dispatch', { taskId: task.id }, { transaction: m, id: deterministicUuid(`plugins.dispatch:${task.id}`) });
        ids.push(plugin.pluginId);
      }
      return ids;
    });
    if (created.length) this.queue.notify('plugins.dispatch');
    return created;
  }

  async findTask(taskId: string): Promise<AsyncPluginTask | undefined> {
    return this.tasks.findById(taskId);
  }

  /** Token sync and dispatch of one task. Every failure closes the task as failed with its message. */
  async dispatch(taskId: string): Promise<{ task: AsyncPluginTask; result: DispatchResult } | undefined> {
    const task = await this.tasks.findById(taskId);
    // Over already (a callback raced a retried dispatch job, or the task failed): nothing to send.
    if (!task || task.status !== 'pending' || task.dispatchedAt || task.callbackAt || !task.data) return undefined;
    const started = Date.now();
    const fail = async (outcome: DispatchResult['outcome'], message: string) => {
      await this.tasks.markFailed(task.id, message, { unlessCallback: true });
      return { task, result: { pluginId: task.pluginId, outcome, ms: Date.now() - started, message } };
    };
    const plugin = await this.plugins.find(task.accountId, task.pluginId);
    if (!plugin || !plugin.enabled) return fail('gone', `Plugin ${task.pluginId} is no longer installed or enabled`);
    const timeoutMs = Math.max(100, Math.min(plugin.timeoutMs, Math.floor(this.budgetMs / 3)));
    if (!(await this.licenses.allows(plugin, timeoutMs))) return fail('unlicensed', `Plugin ${task.pluginId} was not invoked: it reports no licence for this account`);
    if (!plugin.manifest.tokenSyncUrl) return fail('failed', `Plugin ${task.pluginId} has no tokenSyncUrl`);
    try {
      await this.invoker.call(plugin, { method: 'POST', url: plugin.manifest.tokenSyncUrl, body: {}, operation: 'token-sync', timeoutMs });
      await this.invoker.call(plugin, {
        method: 'POST',
        url: plugin.manifest.endpointUrl,
        body: {
          data: task.data,
          config: configFor(plugin),
          asyncTaskId: task.id,
          callbackUrl: this.callbackUrl(task.id),
          ...(task.hashedExtensionId !== null && { hashedExtensionId: task.hashedExtensionId }),
        },
        operation: 'async-dispatch',
        timeoutMs,
      });
    } catch (error) {
      if (!(error instanceof PluginCallError)) throw error;
      return fail('failed', `Plugin ${task.pluginId}: ${error.message}`);
    }
    await this.tasks.markDispatched(task.id);
    return { task, result: { pluginId: task.pluginId, outcome: 'dispatched', ms: Date.now() - started } };
  }

  /**
   * The plugin's report. Takes the task (pending, unexpired, no callback yet) and enqueues what follows, atomically;
   * false (-> 404, nothing changed) for an unknown, expired or already used task id.
   */
  async acceptCallback(taskId: string, report: CallbackReport): Promise<boolean> {
    const accepted = await this.dataSource.transaction(async (m) => {
      const task = await this.tasks.acceptCallback(
        taskId,
        {
          successful: report.successful,
          note: report.note ?? null,
          message: report.successful ? null : (report.message?.trim() || 'Async plugin callback failed').slice(0, 2000),
        },
        m,
      );
      if (!task) return false;
      await this.queue.enqueue('plugins.callback', { taskId }, { transaction: m, id: deterministicUuid(`plugins.callback:${taskId}`) });
      return true;
    });
    if (accepted) this.queue.notify('plugins.callback');
    return accepted;
  }

  /** Counts one more attempt at appending the callback's note; returns the attempt number. */
  countAppendAttempt(taskId: string): Promise<number> {
    return this.tasks.countAppendAttempt(taskId);
  }

  /** Tries the callback's follow-up again later (the CRM failed in a way worth retrying). */
  async retryCallbackLater(taskId: string, attempt: number, delayMs: number): Promise<void> {
    await this.queue.enqueue('plugins.callback', { taskId }, { id: deterministicUuid(`plugins.callback:${taskId}:${attempt}`), startAfter: new Date(Date.now() + delayMs) });
  }

  complete(taskId: string, message?: string): Promise<void> {
    return this.tasks.markCompleted(taskId, message ?? null);
  }

  async fail(taskId: string, message: string): Promise<void> {
    await this.tasks.markFailed(taskId, message);
  }

  private callbackUrl(taskId: string): string {
    return `${this.publicBaseUrl}/plugins/async-callback/${taskId}`;
  }
}
