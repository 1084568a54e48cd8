import { Injectable, Optional } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { CryptoService } from '../common/crypto/crypto.service';
import { OutboundGuard } from '../common/net/outbound-guard';
import { PluginCallError } from './plugin-call.error';
import { parseConfig, parseInstallSettings, parseManifest, parsePatch, parsePluginId } from './plugin-input.validation';
import { PluginLicenseService } from './plugin-license.service';
import { PluginClient } from './plugin.client';
import type { InstalledPlugin, InstallPluginInput, LicenseReport, PluginAccount, PluginView } from './plugin.types';
import { PluginsRepository } from './plugins.repository';

/**
 * What the admin API does with plugins (ARCHITECTURE.md §5 `plugins`). Every method is scoped to one account; errors
 * are AppErrors (400 naming the field, 404 for a plugin that is not installed, 502 when the plugin server fails
 * registration). No method returns a plugin's token.
 *
 * - `list(accountId)`: the installed plugins in chain order.
 * - `get(accountId, pluginId)`: one of them (404 if not installed).
 * - `install(account, input)`: validates the manifest entry, registers the account with the plugin
 *   (POST userRegisterEndpointUrl `{rcAccessToken, rcAccountId}`), stores the returned jwtToken encrypted. Installing an
 *   installed plugin again re-registers it and replaces manifest, token and settings (a new plugin version).
 * - `update(accountId, pluginId, patch)`: config (replaced whole), position, enabled, failurePolicy, timeoutMs,
 *   maxAttempts.
 * - `uninstall(accountId, pluginId)`: removes it (the protocol has no unregister callback to the plugin server).
 * - `licenseStatus(accountId, pluginId)`: asks the plugin now (GET licenseStatusUrl with its bearer) and records it.
 */
@Injectable()
export class PluginAdminService {
  constructor(
    private readonly plugins: PluginsRepository,
    private readonly client: PluginClient,
    private readonly licenses: PluginLicenseService,
    private readonly crypto: CryptoService,
    @Optional() private readonly outbound: OutboundGuard = new OutboundGuard({ allowPrivate: false, allowHosts: [] }),
  ) {}

  async list(accountId: string): Promise<PluginView[]> {
    return (await this.plugins.listByAccount(accountId)).map(toView);
  }

  async get(accountId: string, pluginId: string): Promise<PluginView> {
    return toView(await this.require(accountId, pluginId));
  }

  /**
   * @param account the service's account id and its raw RingCentral account id (sent to the plugin at registration)
   * @param input `{manifest, rcAccessToken, pluginId?, config?, position?, enabled?, failurePolicy?, timeoutMs?,
   *   maxAttempts?}`; pluginId defaults to `manifest.name`, position to last, failurePolicy to `block`.
   */
  async install(account: PluginAccount, input: InstallPluginInput): Promise<PluginView> {
    if (input === null || typeof input !== 'object') throw AppError.validation('body', 'the install request must be an object');
    const manifest = parseManifest(input.manifest);
    const pluginId = parsePluginId(input.pluginId, manifest);
    const config = parseConfig(input.config, manifest);
    const settings = parseInstallSettings(input);
    if (typeof input.rcAccessToken !== 'string' || input.rcAccessToken.trim() === '') {
      throw AppError.validation('rcAccessToken', "rcAccessToken (the admin's RingCentral access token) is required");
    }
    // Every URL the manifest names must point at an allowed address before anything is sent, the admin's token least of all.
    for (const [name, value] of Object.entries(manifest)) {
      if (typeof value === 'string' && /Url$/.test(name) && value !== '') await this.outbound.assertAllowedUrl(value, `manifest.${name}`);
    }
    const jwtToken = await this.register(manifest.userRegisterEndpointUrl, input.rcAccessToken, account.rcAccountId, settings.timeoutMs);
    const installed = await this.plugins.install(
      account.id,
      pluginId,
      { manifest, jwtEncrypted: this.crypto.encrypt(jwtToken), config, enabled: settings.enabled, failurePolicy: settings.failurePolicy, timeoutMs: settings.timeoutMs, maxAttempts: settings.maxAttempts },
      settings.position,
    );
    return toView(installed);
  }

  async update(accountId: string, pluginId: string, patch: unknown): Promise<PluginView> {
    const current = await this.require(accountId, pluginId);
    const { position, ...settings } = parsePatch(patch, current.manifest);
    const updated = await this.plugins.update(accountId, pluginId, settings, position);
    if (!updated) throw AppError.notFound(`Plugin ${pluginId}`);
    return toView(updated);
  }

  async uninstall(accountId: string, pluginId: string): Promise<void> {
    if (!(await this.plugins.remove(accountId, pluginId))) throw AppError.notFound(`Plugin ${pluginId}`);
  }

  async licenseStatus(accountId: string, pluginId: string): Promise<LicenseReport> {
    return this.licenses.check(await this.require(accountId, pluginId));
  }

  private async require(accountId: string, pluginId: string): Promise<InstalledPlugin> {
    const plugin = await this.plugins.find(accountId, pluginId);
    if (!plugin) throw AppError.notFound(`Plugin ${pluginId}`);
    return plugin;
  }

  private async register(url: string, rcAccessToken: string, rcAccountId: string, timeoutMs: number): Promise<string> {
    let body: unknown;
    try {
      ({ body } = await this.client.request({ method: 'POST', url, body: { rcAccessToken, rcAccountId }, timeoutMs, operation: 'register' }));
    } catch (error) {
      if (!(error instanceof PluginCallError)) throw error;
      // The template answers 400 for a token RingCentral rejects and 403 for a token of another account.
      if (error.kind === 'http' && (error.status === 400 || error.status === 401 || error.status === 403)) {
        throw AppError.validation('rcAccessToken', `The plugin refused the registration (HTTP ${error.status}): check the admin's RingCentral token and account`);
      }
      if (error.kind === 'http' && error.status !== undefined && error.status < 500) {
        throw AppError.validation('manifest.userRegisterEndpointUrl', `The plugin's registration endpoint answered HTTP ${error.status}`);
      }
      throw new AppError('UPSTREAM_FAILED', `Plugin registration failed: ${error.message}`, 'manifest.userRegisterEndpointUrl');
    }
    const jwtToken = body !== null && typeof body === 'object' ? (body as { jwtToken?: unknown }).jwtToken : undefined;
    if (typeof jwtToken !== 'string' || jwtToken.trim() === '') {
      throw AppError.validation('manifest.userRegisterEndpointUrl', 'The plugin register API did not return a jwtToken');
    }
    return jwtToken;
  }
}

function toView(p: InstalledPlugin): PluginView {
  const { manifest } = p;
  return {
    pluginId: p.pluginId,
    ...(manifest.name !== undefined && { name: manifest.name }),
    ...(manifest.displayName !== undefined && { displayName: manifest.displayName }),
    ...(manifest.version !== undefined && { version: manifest.version }),
    position: p.position,
    enabled: p.enabled,
    failurePolicy: p.failurePolicy,
    timeoutMs: p.timeoutMs,
    maxAttempts: p.maxAttempts,
    isAsync: manifest.isAsync,
    supportedLogTypes: manifest.supportedLogTypes,
    config: p.config,
    manifest,
    license: { ...p.license, checkedAt: p.license.checkedAt?.toISOString() ?? null },
    tokenRefreshedAt: p.tokenRefreshedAt?.toISOString() ?? null,
    installedAt: p.installedAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
