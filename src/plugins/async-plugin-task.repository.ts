import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows';
import type { LoggingPayload } from './plugin.types';

export type AsyncTaskStatus = 'pending' | 'completed' | 'failed';
export type AsyncOperation = 'createCallLog' | 'updateCallLog';

/** One async_plugin_tasks row. `id` is the callback capability: it never goes into logs or the call's timeline. */
export interface AsyncPluginTask {
  id: string;
  accountId: string;
  callLogId: string;
  pluginId: string;
  operation: AsyncOperation;
  status: AsyncTaskStatus;
  message: string | null;
  /** The payload dispatched; cleared once the task is over. */
  data: LoggingPayload | null;
  hashedExtensionId: string | null;
  dispatchedAt: Date | null;
  /** When the plugin's callback was accepted; a task takes one callback. */
  callbackAt: Date | null;
  callbackNote: string | null;
  appendAttempts: number;
  expiresAt: Date;
  createdAt: Date;
}

function toTask(r: Record<string, any>): AsyncPluginTask {
  return {
    id: r.id,
    accountId: r.account_id,
    callLogId: r.call_log_id,
    pluginId: r.plugin_id,
    operation: r.operation,
    status: r.status,
    message: r.message,
    data: r.data,
    hashedExtensionId: r.hashed_extension_id,
    dispatchedAt: r.dispatched_at,
    callbackAt: r.callback_at,
    callbackNote: r.callback_note,
    appendAttempts: r.append_attempts,
    expiresAt: r.expires_at,
    createdAt: r.created_at,
  };
}

export interface NewTask {
  id: string;
  accountId: string;
  callLogId: string;
  pluginId: string;
  operation: AsyncOperation;
  data: LoggingPayload;
  hashedExtensionId: string | null;
  expiresAt: Date;
}

/** The `async_plugin_tasks` table. */
@Injectable()
export class AsyncPluginTaskRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Creates the task unless this (call, plugin, operation) already has one (a retried logging attempt); returns it
   * only when it was created.
   */
  async createOnce(task: NewTask, manager: EntityManager): Promise<AsyncPluginTask | undefined> {
    const [row] = await queryRows(
      manager,
      `INSERT INTO async_plugin_tasks (id, account_id, call_log_id, plugin_id, operation, data, hashed_extension_id, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (call_log_id, plugin_id, operation) DO NOTHING RETURNING *`,
      [task.id, task.accountId, task.callLogId, task.pluginId, task.operation, task.data, task.hashedExtensionId, task.expiresAt],
    );
    return row ? toTask(row) : undefined;
  }

  async findById(id: string): Promise<AsyncPluginTask | undefined> {
    const [row] = await this.dataSource.query(`SELECT * FROM async_plugin_tasks WHERE id = $1`, [id]);
    return row ? toTask(row) : undefined;
  }

  async markDispatched(id: string): Promise<void> {
    await this.dataSource.query(`UPDATE async_plugin_tasks SET dispatched_at = now(), updated_at = now() WHERE id = $1`, [id]);
  }

  /**
   * Takes the plugin's one callback: only a pending, unexpired task that has not had one. A failure report closes the
   * task at once; a success keeps it pending, with its note, until the note is in the CRM. Undefined = not found.
   */
  async acceptCallback(
    id: string,
    report: { successful: boolean; note: string | null; message: string | null },
    manager: EntityManager,
  ): Promise<AsyncPluginTask | undefined> {
    const [row] = await queryRows(
      manager,
      `UPDATE async_plugin_tasks SET callback_at = now(), updated_at = now(),
         callback_note = CASE WHEN $2 THEN $3 ELSE NULL END,
         status = CASE WHEN $2 THEN status ELSE 'failed' END,
         message = CASE WHEN $2 THEN message ELSE $4 END,
         data = CASE WHEN $2 THEN data ELSE NULL END
       WHERE id = $1 AND status = 'pending' AND callback_at IS NULL AND expires_at > now()
       RETURNING *`,
      [id, report.successful, report.note, report.message],
    );
    return row ? toTask(row) : undefined;
  }

  async countAppendAttempt(id: string): Promise<number> {
    const [row] = await queryRows<{ append_attempts: number }>(
      this.dataSource,
      `UPDATE async_plugin_tasks SET append_attempts = append_attempts + 1, updated_at = now() WHERE id = $1 RETURNING append_attempts`,
      [id],
    );
    return row?.append_attempts ?? 0;
  }

  async markCompleted(id: string, message: string | null = null): Promise<void> {
    await this.dataSource.query(
      `UPDATE async_plugin_tasks SET status = 'completed', message = COALESCE($2, message), data = NULL, updated_at = now() WHERE id = $1 AND status = 'pending'`,
      [id, message],
    );
  }

  /** Closes a pending task as failed; false when it was no longer pending (e.g. its callback already came). */
  async markFailed(id: string, message: string, options: { unlessCallback?: boolean } = {}): Promise<boolean> {
    const rows = await queryRows(
      this.dataSource,
      `UPDATE async_plugin_tasks SET status = 'failed', message = $2, data = NULL, updated_at = now()
       WHERE id = $1 AND status = 'pending' ${options.unlessCallback ? 'AND callback_at IS NULL' : ''} RETURNING id`,
      [id, message.slice(0, 2000)],
    );
    return rows.length > 0;
  }

  /** Deletes tasks past their expiry, at most `limit` per call; returns how many went. */
  async deleteExpired(limit: number): Promise<number> {
    const rows = await queryRows(
      this.dataSource,
      `DELETE FROM async_plugin_tasks WHERE id IN (SELECT id FROM async_plugin_tasks WHERE expires_at <= now() LIMIT $1) RETURNING id`,
      [limit],
    );
    return rows.length;
  }
}
