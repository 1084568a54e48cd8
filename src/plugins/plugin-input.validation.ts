import { AppError } from '../common/errors/app-error';
import {
  FAILURE_POLICIES,
  type FailurePolicy,
  LOG_TYPES,
  type LogType,
  PLUGIN_DEFAULTS,
  PLUGIN_LIMITS,
  type PluginConfig,
  type PluginConfigField,
  type PluginManifestEntry,
  type PluginPatch,
} from './plugin.types';

// Checks of what an admin submits (install, update). Each failure is a 400 naming the field at fault.

export const PLUGIN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

function url(value: unknown, field: string, required: boolean): string | undefined {
  // App Connect manifests use "" for URLs a plugin does not serve.
  if (value === undefined || value === null || value === '') {
    if (required) throw AppError.validation(field, `${field} is required`);
    return undefined;
  }
  if (typeof value !== 'string') throw AppError.validation(field, `${field} must be a URL`);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw AppError.validation(field, `${field} must be an absolute URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw AppError.validation(field, `${field} must be an http(s) URL`);
  if (parsed.username || parsed.password) throw AppError.validation(field, `${field} must not carry credentials`);
  return value;
}

/** The platform manifest entry, as App Connect's plugin runtime reads it (its plugin documentation, "Manifest Fields"; docs/app-connect.md §2). */
export function parseManifest(raw: unknown, field = 'manifest'): PluginManifestEntry {
  if (!isObject(raw)) throw AppError.validation(field, `${field} must be the plugin's platform manifest entry (an object)`);
  if (JSON.stringify(raw).length > PLUGIN_LIMITS.manifestBytes) throw AppError.validation(field, `${field} is larger than ${PLUGIN_LIMITS.manifestBytes} bytes`);
  const endpointUrl = url(raw.endpointUrl, `${field}.endpointUrl`, true)!;
  const userRegisterEndpointUrl = url(raw.userRegisterEndpointUrl, `${field}.userRegisterEndpointUrl`, true)!;
  const types = raw.supportedLogTypes;
  if (!Array.isArray(types) || types.length === 0) {
    throw AppError.validation(`${field}.supportedLogTypes`, `${field}.supportedLogTypes must list at least one of ${LOG_TYPES.join(', ')}`);
  }
  types.forEach((type, i) => {
    if (!LOG_TYPES.includes(type as LogType)) throw AppError.validation(`${field}.supportedLogTypes.${i}`, `${field}.supportedLogTypes.${i} must be one of ${LOG_TYPES.join(', ')}`);
  });
  if (raw.isAsync !== undefined && raw.isAsync !== null && typeof raw.isAsync !== 'boolean') throw AppError.validation(`${field}.isAsync`, `${field}.isAsync must be a boolean`);
  const isAsync = raw.isAsync === true;
  // App Connect calls tokenSyncUrl before every async dispatch and fails the task without it.
  const tokenSyncUrl = url(raw.tokenSyncUrl, `${field}.tokenSyncUrl`, isAsync);
  const licenseStatusUrl = url(raw.licenseStatusUrl, `${field}.licenseStatusUrl`, false);
  for (const key of ['name', 'displayName', 'version'] as const) {
    if (raw[key] !== undefined && typeof raw[key] !== 'string') throw AppError.validation(`${field}.${key}`, `${field}.${key} must be text`);
  }
  let pageContent: PluginConfigField[] | undefined;
  if (raw.pageContent !== undefined && raw.pageContent !== null) {
    if (!Array.isArray(raw.pageContent)) throw AppError.validation(`${field}.pageContent`, `${field}.pageContent must be a list of config fields`);
    pageContent = raw.pageContent.map((item, i) => {
      if (!isObject(item) || typeof item.const !== 'string' || item.const === '') {
        throw AppError.validation(`${field}.pageContent.${i}.const`, `${field}.pageContent.${i}.const must name the config field`);
      }
      return item as PluginConfigField;
    });
  }
  return {
    ...raw,
    endpointUrl,
    userRegisterEndpointUrl,
    supportedLogTypes: [...new Set(types as LogType[])],
    isAsync,
    ...(tokenSyncUrl ? { tokenSyncUrl } : { tokenSyncUrl: undefined }),
    ...(licenseStatusUrl ? { licenseStatusUrl } : { licenseStatusUrl: undefined }),
    ...(pageContent ? { pageContent } : {}),
  };
}

export function parsePluginId(value: unknown, manifest: PluginManifestEntry): string {
  const id = value === undefined || value === null ? manifest.name : value;
  if (id === undefined) throw AppError.validation('pluginId', 'pluginId is required when the manifest has no name');
  if (typeof id !== 'string' || !PLUGIN_ID.test(id)) {
    throw AppError.validation(value === undefined ? 'manifest.name' : 'pluginId', 'pluginId must be 1-100 letters, digits, ".", "_" or "-"');
  }
  return id;
}

/**
 * `{<field>: {value}}`, the `plugin_<id>` config shape App Connect passes to plugins. When the manifest declares its
 * config fields (`pageContent`), only those are accepted.
 */
export function parseConfig(raw: unknown, manifest: PluginManifestEntry): PluginConfig {
  if (raw === undefined || raw === null) return {};
  if (!isObject(raw)) throw AppError.validation('config', 'config must be an object of {<field>: {value}}');
  if (JSON.stringify(raw).length > PLUGIN_LIMITS.configBytes) throw AppError.validation('config', `config is larger than ${PLUGIN_LIMITS.configBytes} bytes`);
  const declared = manifest.pageContent ? new Set(manifest.pageContent.map((f) => f.const)) : undefined;
  const config: PluginConfig = {};
  for (const [key, entry] of Object.entries(raw)) {
    if (declared && !declared.has(key)) throw AppError.validation(`config.${key}`, `config.${key} is not a config field of this plugin (manifest pageContent)`);
    if (!isObject(entry) || !('value' in entry)) throw AppError.validation(`config.${key}`, `config.${key} must be an object with a value`);
    config[key] = entry as PluginConfig[string];
  }
  return config;
}

function integer(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw AppError.validation(field, `${field} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

function boolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw AppError.validation(field, `${field} must be true or false`);
  return value;
}

function policy(value: unknown, field: string): FailurePolicy {
  if (!FAILURE_POLICIES.includes(value as FailurePolicy)) throw AppError.validation(field, `${field} must be one of ${FAILURE_POLICIES.join(', ')}`);
  return value as FailurePolicy;
}

export interface InstallSettings {
  position?: number;
  enabled: boolean;
  failurePolicy: FailurePolicy;
  timeoutMs: number;
  maxAttempts: number;
}

/** The optional settings of an install, with their defaults. */
export function parseInstallSettings(input: { position?: unknown; enabled?: unknown; failurePolicy?: unknown; timeoutMs?: unknown; maxAttempts?: unknown }): InstallSettings {
  const { timeoutMs, maxAttempts } = PLUGIN_LIMITS;
  return {
    ...(input.position !== undefined && { position: integer(input.position, 'position', 1, 10_000) }),
    enabled: input.enabled === undefined ? PLUGIN_DEFAULTS.enabled : boolean(input.enabled, 'enabled'),
    failurePolicy: input.failurePolicy === undefined ? PLUGIN_DEFAULTS.failurePolicy : policy(input.failurePolicy, 'failurePolicy'),
    timeoutMs: input.timeoutMs === undefined ? PLUGIN_DEFAULTS.timeoutMs : integer(input.timeoutMs, 'timeoutMs', timeoutMs.min, timeoutMs.max),
    maxAttempts: input.maxAttempts === undefined ? PLUGIN_DEFAULTS.maxAttempts : integer(input.maxAttempts, 'maxAttempts', maxAttempts.min, maxAttempts.max),
  };
}

const PATCH_FIELDS = ['config', 'position', 'enabled', 'failurePolicy', 'timeoutMs', 'maxAttempts'];

/** An update: any of config (replaces the whole config), position, enabled, failurePolicy, timeoutMs, maxAttempts. */
export function parsePatch(raw: unknown, manifest: PluginManifestEntry): PluginPatch {
  if (!isObject(raw)) throw AppError.validation('body', 'the update must be an object');
  const unknown = Object.keys(raw).find((key) => !PATCH_FIELDS.includes(key));
  if (unknown !== undefined) throw AppError.validation(unknown, `${unknown} cannot be changed (allowed: ${PATCH_FIELDS.join(', ')})`);
  const { timeoutMs, maxAttempts } = PLUGIN_LIMITS;
  return {
    ...(raw.config !== undefined && { config: parseConfig(raw.config, manifest) }),
    ...(raw.position !== undefined && { position: integer(raw.position, 'position', 1, 10_000) }),
    ...(raw.enabled !== undefined && { enabled: boolean(raw.enabled, 'enabled') }),
    ...(raw.failurePolicy !== undefined && { failurePolicy: policy(raw.failurePolicy, 'failurePolicy') }),
    ...(raw.timeoutMs !== undefined && { timeoutMs: integer(raw.timeoutMs, 'timeoutMs', timeoutMs.min, timeoutMs.max) }),
    ...(raw.maxAttempts !== undefined && { maxAttempts: integer(raw.maxAttempts, 'maxAttempts', maxAttempts.min, maxAttempts.max) }),
  };
}
