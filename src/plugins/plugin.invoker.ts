import { Injectable, Logger } from '@nestjs/common';
import { CryptoService } from '../common/crypto/crypto.service';
import { PluginCallError } from './plugin-call.error';
import { PluginClient, type PluginResponse } from './plugin.client';
import type { InstalledPlugin } from './plugin.types';
import { PluginsRepository } from './plugins.repository';

export interface PluginCall {
  method: 'GET' | 'POST';
  url: string;
  body?: unknown;
  operation: string;
  /** Default: the plugin's own timeout. */
  timeoutMs?: number;
}

/**
 * Calls an installed plugin with its bearer token and keeps the token it rotates. A refreshed token
 * (`x-refreshed-jwt-token`, on any answer, failures included) is merged into the stored record — only the token
 * column changes — and into the in-memory record, so the next call of the same run already uses it.
 */
@Injectable()
export class PluginInvoker {
  private readonly logger = new Logger(PluginInvoker.name);

  constructor(
    private readonly client: PluginClient,
    private readonly plugins: PluginsRepository,
    private readonly crypto: CryptoService,
  ) {}

  async call(plugin: InstalledPlugin, call: PluginCall): Promise<PluginResponse> {
    const token = this.crypto.decrypt(plugin.jwtEncrypted);
    try {
      const res = await this.client.request({ ...call, token, timeoutMs: call.timeoutMs ?? plugin.timeoutMs });
      await this.keep(plugin, token, res.refreshedToken);
      return res;
    } catch (error) {
      if (error instanceof PluginCallError) await this.keep(plugin, token, error.refreshedToken);
      throw error;
    }
  }

  private async keep(plugin: InstalledPlugin, current: string, refreshed: string | undefined): Promise<void> {
    if (!refreshed || refreshed === current) return;
    const encrypted = this.crypto.encrypt(refreshed);
    plugin.jwtEncrypted = encrypted;
    plugin.tokenRefreshedAt = new Date();
    try {
      await this.plugins.saveToken(plugin.accountId, plugin.pluginId, encrypted);
    } catch (error) {
      // The call itself worked; the plugin sends a fresh token again on its next answer while the old one is near expiry.
      this.logger.warn({ err: error, accountId: plugin.accountId, pluginId: plugin.pluginId }, 'could not store the rotated plugin token');
    }
  }
}
