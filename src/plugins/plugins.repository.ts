import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { FailurePolicy, InstalledPlugin, LicenseState, PluginConfig, PluginManifestEntry } from './plugin.types';

function toPlugin(r: Record<string, any>): InstalledPlugin {
  return {
    accountId: r.account_id,
    pluginId: r.plugin_id,
    manifest: r.manifest,
    jwtEncrypted: r.jwt_encrypted,
    config: r.config ?? {},
    position: r.position,
    enabled: r.enabled,
    failurePolicy: r.failure_policy,
    timeoutMs: r.timeout_ms,
    maxAttempts: r.max_attempts,
    license: { state: r.license_status, description: r.license_description, error: r.license_error, checkedAt: r.license_checked_at },
    tokenRefreshedAt: r.token_refreshed_at,
    installedAt: r.installed_at,
    updatedAt: r.updated_at,
  };
}

export interface PluginRowValues {
  manifest: PluginManifestEntry;
  jwtEncrypted: string;
  config: PluginConfig;
  enabled: boolean;
  failurePolicy: FailurePolicy;
  timeoutMs: number;
  maxAttempts: number;
}

export type PluginSettingsPatch = Partial<Pick<PluginRowValues, 'config' | 'enabled' | 'failurePolicy' | 'timeoutMs' | 'maxAttempts'>>;

const SETTING_COLUMNS: Record<keyof PluginSettingsPatch, string> = {
  config: 'config',
  enabled: 'enabled',
  failurePolicy: 'failure_policy',
  timeoutMs: 'timeout_ms',
  maxAttempts: 'max_attempts',
};

/**
 * The `plugins` table: per account, each installed plugin with its manifest, encrypted JWT, config and place in the
 * chain. Positions are 1..n without gaps; every change of the list runs under a per-account lock.
 */
@Injectable()
export class PluginsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Every plugin of the account, in chain order. */
  async listByAccount(accountId: string): Promise<InstalledPlugin[]> {
    const rows = await this.dataSource.query(`SELECT * FROM plugins WHERE account_id = $1 ORDER BY position, plugin_id`, [accountId]);
    return rows.map(toPlugin);
  }

  /** The enabled plugins of the account, in chain order. */
  async listEnabled(accountId: string): Promise<InstalledPlugin[]> {
    const rows = await this.dataSource.query(`SELECT * FROM plugins WHERE account_id = $1 AND enabled ORDER BY position, plugin_id`, [accountId]);
    return rows.map(toPlugin);
  }

  async find(accountId: string, pluginId: string): Promise<InstalledPlugin | undefined> {
    const [row] = await this.dataSource.query(`SELECT * FROM plugins WHERE account_id = $1 AND plugin_id = $2`, [accountId, pluginId]);
    return row ? toPlugin(row) : undefined;
  }

  /**
   * Installs, or re-installs (a new manifest version, a new registration): manifest and token are replaced, the other
   * settings too. Placed at `position` (1-based), or kept where it was, or appended.
   */
  async install(accountId: string, pluginId: string, values: PluginRowValues, position: number | undefined): Promise<InstalledPlugin> {
    return this.underAccountLock(accountId, async (m) => {
      await m.query(
        `INSERT INTO plugins (account_id, plugin_id, manifest, jwt_encrypted, config, enabled, failure_policy, timeout_ms, max_attempts, position)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
                 (SELECT COALESCE(max(position), 0) + 1 FROM plugins WHERE account_id = $1))
         ON CONFLICT (account_id, plugin_id) DO UPDATE SET manifest = EXCLUDED.manifest, jwt_encrypted = EXCLUDED.jwt_encrypted,
           config = EXCLUDED.config, enabled = EXCLUDED.enabled, failure_policy = EXCLUDED.failure_policy,
           timeout_ms = EXCLUDED.timeout_ms, max_attempts = EXCLUDED.max_attempts, license_status = NULL,
           license_description = NULL, license_error = NULL, license_checked_at = NULL, token_refreshed_at = NULL,
           updated_at = now()`,
        [accountId, pluginId, values.manifest, values.jwtEncrypted, values.config, values.enabled, values.failurePolicy, values.timeoutMs, values.maxAttempts],
      );
      if (position !== undefined) await this.place(m, accountId, pluginId, position);
      return (await this.findWith(m, accountId, pluginId))!;
    });
  }

  /** Changes settings and/or the place in the chain; undefined when the plugin is not installed. */
  async update(accountId: string, pluginId: string, patch: PluginSettingsPatch, position?: number): Promise<InstalledPlugin | undefined> {
    return this.underAccountLock(accountId, async (m) => {
      if (!(await this.findWith(m, accountId, pluginId))) return undefined;
      const entries = (Object.keys(SETTING_COLUMNS) as (keyof PluginSettingsPatch)[]).filter((key) => patch[key] !== undefined);
      if (entries.length) {
        const sets = entries.map((key, i) => `${SETTING_COLUMNS[key]} = $${i + 3}`).join(', ');
        await m.query(`UPDATE plugins SET ${sets}, updated_at = now() WHERE account_id = $1 AND plugin_id = $2`, [accountId, pluginId, ...entries.map((key) => patch[key])]);
      }
      if (position !== undefined) await this.place(m, accountId, pluginId, position);
      return this.findWith(m, accountId, pluginId);
    });
  }

  /** Removes the plugin and closes the gap it leaves in the order; false when it was not installed. */
  async remove(accountId: string, pluginId: string): Promise<boolean> {
    return this.underAccountLock(accountId, async (m) => {
      const [rows] = await m.query(`DELETE FROM plugins WHERE account_id = $1 AND plugin_id = $2 RETURNING plugin_id`, [accountId, pluginId]);
      if (!rows?.length) return false;
      await this.renumber(m, accountId, await this.orderWith(m, accountId));
      return true;
    });
  }

  /**
   * Stores a rotated token. Only the token column is written: the manifest, config and settings stay as they are
   * (App Connect replaces its whole pluginData record with `{jwtToken}` here, losing the manifest; docs/app-connect.md §2.7).
   */
  async saveToken(accountId: string, pluginId: string, jwtEncrypted: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE plugins SET jwt_encrypted = $3, token_refreshed_at = now() WHERE account_id = $1 AND plugin_id = $2`,
      [accountId, pluginId, jwtEncrypted],
    );
  }

  async recordLicense(accountId: string, pluginId: string, license: { state: LicenseState; description: string; error: string | null }): Promise<void> {
    await this.dataSource.query(
      `UPDATE plugins SET license_status = $3, license_description = $4, license_error = $5, license_checked_at = now()
       WHERE account_id = $1 AND plugin_id = $2`,
      [accountId, pluginId, license.state, license.description.slice(0, 1000), license.error?.slice(0, 1000) ?? null],
    );
  }

  private async findWith(m: EntityManager, accountId: string, pluginId: string): Promise<InstalledPlugin | undefined> {
    const [row] = await m.query(`SELECT * FROM plugins WHERE account_id = $1 AND plugin_id = $2`, [accountId, pluginId]);
    return row ? toPlugin(row) : undefined;
  }

  private async orderWith(m: EntityManager, accountId: string): Promise<string[]> {
    const rows: { plugin_id: string }[] = await m.query(`SELECT plugin_id FROM plugins WHERE account_id = $1 ORDER BY position, plugin_id`, [accountId]);
    return rows.map((r) => r.plugin_id);
  }

  /** Moves one plugin to a 1-based position (past the end = last) and renumbers the rest. */
  private async place(m: EntityManager, accountId: string, pluginId: string, position: number): Promise<void> {
    const order = (await this.orderWith(m, accountId)).filter((id) => id !== pluginId);
    order.splice(Math.min(Math.max(position, 1), order.length + 1) - 1, 0, pluginId);
    await this.renumber(m, accountId, order);
  }

  private async renumber(m: EntityManager, accountId: string, order: string[]): Promise<void> {
    if (!order.length) return;
    await m.query(
      `UPDATE plugins p SET position = o.position FROM unnest($2::text[]) WITH ORDINALITY AS o(plugin_id, position)
       WHERE p.account_id = $1 AND p.plugin_id = o.plugin_id AND p.position <> o.position`,
      [accountId, order],
    );
  }

  /** Changes to one account's plugin list are serialised (two installs must not both take the last position). */
  private async underAccountLock<T>(accountId: string, fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('plugins:' || $1))`, [accountId]);
      return fn(m);
    });
  }
}
