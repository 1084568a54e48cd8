import { Inject, Injectable, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/app-config';
import { blockRetryDelayMs } from './block-retry';
import { PluginCallError } from './plugin-call.error';
import { PluginLicenseService } from './plugin-license.service';
import { changedFields, checkSyncAnswer } from './plugin-payload.validation';
import { PluginInvoker } from './plugin.invoker';
import type { FailurePolicy, InstalledPlugin, LoggingPayload, LogType, PluginConfig } from './plugin.types';
import { PluginsRepository } from './plugins.repository';

/** Uniform numbers in [0, 1) for the block policy's jitter; Math.random unless a test provides one. */
export const PLUGIN_RETRY_RANDOM = Symbol('PLUGIN_RETRY_RANDOM');

/** ok: payload accepted; rejected: answered, but not a usable payload; error: HTTP/network failure; timeout. */
export type SyncOutcome = 'ok' | 'rejected' | 'error' | 'timeout' | 'unlicensed';

/** One plugin's part in a chain run, for the call's timeline and metrics. */
export interface PluginRun {
  pluginId: string;
  outcome: SyncOutcome;
  /** applied: its answer is the payload now; ignored: failed, skipped per policy; blocked: failed, the log waits. */
  action: 'applied' | 'ignored' | 'blocked' | 'not-invoked';
  policy: FailurePolicy;
  ms: number;
  /** Top-level fields the plugin changed (applied runs). */
  changed?: string[];
  reason?: string;
}

export interface SyncChainInput {
  accountId: string;
  logType: LogType;
  operation: 'createCallLog' | 'updateCallLog';
  /** The App Connect payload: for a call create `{logInfo, contactId, contactName, contactType, note, ...}`. */
  payload: LoggingPayload;
  hashedExtensionId?: string;
  /** 1-based attempt of the log, for the block policy's retry decision. */
  attempt: number;
}

export type SyncChainResult =
  | { outcome: 'passed'; payload: LoggingPayload; runs: PluginRun[] }
  | {
      outcome: 'blocked';
      runs: PluginRun[];
      pluginId: string;
      /** Names the plugin, its policy and what went wrong. */
      reason: string;
      /** Try the log again after this long; null: the plugin's maxAttempts is reached, the log fails. */
      retryDelayMs: number | null;
    };

/**
 * The share of a job's timeout (JOB_TIMEOUT_SECONDS) plugin calls may use in one job: a job running past its timeout
 * is taken as lost and run again, so a slow chain must end well before, leaving time for the CRM.
 */
export const PLUGIN_BUDGET_SHARE = 0.5;
const MIN_CALL_MS = 100;

/** Sync plugins for a log type: enabled (the repository's list), supporting it, not async. */
export function syncPluginsFor(plugins: InstalledPlugin[], logType: LogType): InstalledPlugin[] {
  return plugins.filter((p) => !p.manifest.isAsync && p.manifest.supportedLogTypes.includes(logType));
}

/** App Connect passes `plugin_<id>.value.config`, or null when there is none. */
export function configFor(plugin: InstalledPlugin): PluginConfig | null {
  return Object.keys(plugin.config).length ? plugin.config : null;
}

/**
 * The sync chain: the account's sync plugins in their explicit order, each POSTed `{data, config, hashedExtensionId}`
 * with its bearer token under its timeout. A usable answer becomes the payload the next plugin (and the connector)
 * sees; a failure follows the plugin's policy: `skip` goes on with the payload as it was, `block` stops the chain and
 * the log waits (retried with backoff up to the plugin's maxAttempts, then failed). Unlicensed plugins are not invoked.
 * The whole chain shares a time budget (PLUGIN_BUDGET_SHARE of the job timeout); a plugin it leaves no time for
 * counts as timed out.
 */
@Injectable()
export class PluginChainService {
  private readonly random: () => number;
  private readonly budgetMs: number;

  constructor(
    private readonly plugins: PluginsRepository,
    private readonly invoker: PluginInvoker,
    private readonly licenses: PluginLicenseService,
    config: ConfigService<AppConfig, true>,
    @Optional() @Inject(PLUGIN_RETRY_RANDOM) random?: () => number,
  ) {
    this.random = random ?? Math.random;
    this.budgetMs = config.get('app', { infer: true }).jobTimeoutSeconds * 1000 * PLUGIN_BUDGET_SHARE;
  }

  async run(input: SyncChainInput): Promise<SyncChainResult> {
    const chain = syncPluginsFor(await this.plugins.listEnabled(input.accountId), input.logType);
    const runs: PluginRun[] = [];
    let payload = input.payload;
    const deadline = Date.now() + this.budgetMs;
    for (const plugin of chain) {
      const started = Date.now();
      const left = () => Math.min(plugin.timeoutMs, deadline - Date.now());
      if (left() >= MIN_CALL_MS && !(await this.licenses.allows(plugin, left()))) {
        runs.push({ pluginId: plugin.pluginId, outcome: 'unlicensed', action: 'not-invoked', policy: plugin.failurePolicy, ms: Date.now() - started, reason: 'the plugin reports no licence for this account' });
        continue;
      }
      const attempt =
        left() >= MIN_CALL_MS
          ? await this.invoke(plugin, payload, input.hashedExtensionId, left())
          : { outcome: 'timeout' as const, reason: `not invoked: the plugin chain used up its ${this.budgetMs} ms budget` };
      const ms = Date.now() - started;
      if (attempt.outcome === 'ok') {
        runs.push({ pluginId: plugin.pluginId, outcome: 'ok', action: 'applied', policy: plugin.failurePolicy, ms, changed: changedFields(payload, attempt.payload) });
        payload = attempt.payload;
        continue;
      }
      if (plugin.failurePolicy === 'skip') {
        runs.push({ pluginId: plugin.pluginId, outcome: attempt.outcome, action: 'ignored', policy: 'skip', ms, reason: attempt.reason });
        continue;
      }
      runs.push({ pluginId: plugin.pluginId, outcome: attempt.outcome, action: 'blocked', policy: 'block', ms, reason: attempt.reason });
      const retryDelayMs = blockRetryDelayMs(input.attempt, plugin.maxAttempts, this.random);
      const tail = retryDelayMs === null ? `; gave up after ${input.attempt} attempt${input.attempt === 1 ? '' : 's'}` : '';
      return {
        outcome: 'blocked',
        runs,
        pluginId: plugin.pluginId,
        reason: `Plugin ${plugin.pluginId} (failure policy block): ${attempt.reason}${tail}`,
        retryDelayMs,
      };
    }
    return { outcome: 'passed', payload, runs };
  }

  private async invoke(
    plugin: InstalledPlugin,
    data: LoggingPayload,
    hashedExtensionId: string | undefined,
    timeoutMs: number,
  ): Promise<{ outcome: 'ok'; payload: LoggingPayload } | { outcome: Exclude<SyncOutcome, 'ok' | 'unlicensed'>; reason: string }> {
    try {
      const res = await this.invoker.call(plugin, {
        method: 'POST',
        url: plugin.manifest.endpointUrl,
        body: { data, config: configFor(plugin), ...(hashedExtensionId !== undefined && { hashedExtensionId }) },
        operation: 'sync',
        timeoutMs,
      });
      if (!res.json) return { outcome: 'rejected', reason: 'the plugin answered something that is not JSON' };
      const check = checkSyncAnswer(data, res.body);
      return check.ok ? { outcome: 'ok', payload: check.payload } : { outcome: 'rejected', reason: `unusable payload: ${check.reason}` };
    } catch (error) {
      if (!(error instanceof PluginCallError)) throw error;
      return { outcome: error.kind === 'timeout' ? 'timeout' : error.kind === 'bad-response' ? 'rejected' : 'error', reason: error.message };
    }
  }
}
