import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { PluginCallError } from './plugin-call.error';
import { PluginInvoker } from './plugin.invoker';
import type { InstalledPlugin, LicenseReport, LicenseState } from './plugin.types';
import { PluginsRepository } from './plugins.repository';

/** How long a licence answer is trusted before the chain asks again. */
export const LICENSE_RECHECK_MS = 60 * 60 * 1000;
const UNAVAILABLE = 'Plugin license status unavailable';

/** A plugin checks licences when it has a licenseStatusUrl and does not say `requireLicense: false`. */
export function checksLicense(plugin: InstalledPlugin): boolean {
  return Boolean(plugin.manifest.licenseStatusUrl) && plugin.manifest.requireLicense !== false;
}

/**
 * Licence status (GET licenseStatusUrl with the plugin's bearer), recorded on the plugin's row. Unlike App Connect,
 * where it is advisory, it gates invocation: a plugin that says it is unlicensed is not invoked. A licence endpoint
 * that fails or answers without `licenseStatus` says nothing (`unknown`): the plugin is invoked, and its own failure
 * policy applies if it then fails.
 */
@Injectable()
export class PluginLicenseService {
  private readonly logger = new Logger(PluginLicenseService.name);
  /** Concurrent logs of one account share one licence request. */
  private readonly inFlight = new Map<string, Promise<LicenseReport>>();

  constructor(
    private readonly invoker: PluginInvoker,
    private readonly plugins: PluginsRepository,
    private readonly clock: Clock,
  ) {}

  /** False only for a plugin whose (at most an hour old) licence answer was "not licensed". */
  async allows(plugin: InstalledPlugin, timeoutMs?: number): Promise<boolean> {
    if (!checksLicense(plugin)) return true;
    const checkedAt = plugin.license.checkedAt?.getTime();
    const fresh = checkedAt !== undefined && this.clock.nowMs() - checkedAt < LICENSE_RECHECK_MS;
    const state = fresh ? plugin.license.state : (await this.check(plugin, timeoutMs)).state;
    return state !== 'unlicensed';
  }

  /** Asks the plugin now (under its timeout, or a shorter one) and records the answer. */
  check(plugin: InstalledPlugin, timeoutMs?: number): Promise<LicenseReport> {
    const key = `${plugin.accountId}|${plugin.pluginId}`;
    const running = this.inFlight.get(key);
    if (running) return running;
    const request = this.ask(plugin, timeoutMs).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, request);
    return request;
  }

  private async ask(plugin: InstalledPlugin, timeoutMs?: number): Promise<LicenseReport> {
    let state: LicenseState = 'licensed';
    let description = 'This plugin does not require a license';
    let errorMessage: string | undefined;
    let failure: string | null = null;
    if (checksLicense(plugin)) {
      try {
        const { body } = await this.invoker.call(plugin, { method: 'GET', url: plugin.manifest.licenseStatusUrl!, operation: 'license', timeoutMs });
        const answer = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
        if (typeof answer.licenseStatus === 'boolean') {
          state = answer.licenseStatus ? 'licensed' : 'unlicensed';
          description = typeof answer.licenseStatusDescription === 'string' ? answer.licenseStatusDescription : answer.licenseStatus ? 'Licensed' : 'Not licensed';
          if (typeof answer.errorMessage === 'string') errorMessage = answer.errorMessage;
        } else {
          state = 'unknown';
          description = UNAVAILABLE;
          failure = 'the licence answer has no boolean licenseStatus';
        }
      } catch (error) {
        if (!(error instanceof PluginCallError)) throw error;
        state = 'unknown';
        description = UNAVAILABLE;
        failure = error.message;
      }
    }
    const recorded = { state, description, error: errorMessage ?? failure };
    plugin.license = { ...recorded, checkedAt: this.clock.now() };
    try {
      await this.plugins.recordLicense(plugin.accountId, plugin.pluginId, recorded);
    } catch (error) {
      this.logger.warn({ err: error, accountId: plugin.accountId, pluginId: plugin.pluginId }, 'could not record the plugin licence status');
    }
    return {
      pluginId: plugin.pluginId,
      licenseStatus: state === 'licensed',
      licenseStatusDescription: description,
      ...((errorMessage ?? failure) && { errorMessage: errorMessage ?? failure! }),
      state,
      checkedAt: plugin.license.checkedAt!.toISOString(),
    };
  }
}
