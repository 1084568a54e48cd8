// Shapes of App Connect-compatible plugins as this service stores and runs them (README.md in this folder).

export type LogType = 'call' | 'sms' | 'fax';
export const LOG_TYPES: readonly LogType[] = ['call', 'sms', 'fax'];

/** What happens to a call when one of its sync plugins fails (error, timeout, or a payload the pipeline cannot use). */
export type FailurePolicy = 'block' | 'skip';
export const FAILURE_POLICIES: readonly FailurePolicy[] = ['block', 'skip'];

/** `licensed`/`unlicensed` as the plugin's licence endpoint said; `unknown` when it could not say. */
export type LicenseState = 'licensed' | 'unlicensed' | 'unknown';

/** The connector payload that passes through plugins: opaque to the contract, `{logInfo, note, ...}` for calls. */
export type LoggingPayload = Record<string, unknown>;

/** `plugin_<id>.value.config` as App Connect passes it to plugins: `{<field>: {value, ...}}`. */
export type PluginConfig = Record<string, { value: unknown; [extra: string]: unknown }>;

/** One `pageContent` item of the manifest: a config field whose value reaches the plugin as `config.<const>.value`. */
export interface PluginConfigField {
  const: string;
  title?: string;
  type?: string;
  [extra: string]: unknown;
}

/**
 * The platform manifest entry an admin installs (`platforms.<name>` of a Developer Console plugin manifest), after
 * validation. Unknown fields (OAuth UI fields, `requireLicense`, descriptions) are kept as they came.
 */
export interface PluginManifestEntry {
  name?: string;
  displayName?: string;
  version?: string;
  endpointUrl: string;
  userRegisterEndpointUrl: string;
  supportedLogTypes: LogType[];
  isAsync: boolean;
  /** Required when isAsync. */
  tokenSyncUrl?: string;
  licenseStatusUrl?: string;
  pageContent?: PluginConfigField[];
  [extra: string]: unknown;
}

/** The account a plugin is installed for: the service's id and the raw RingCentral account id sent at registration. */
export interface PluginAccount {
  id: string;
  rcAccountId: string;
}

/** One `plugins` row. `jwtEncrypted` is replaced in memory when the plugin rotates its token (PluginInvoker). */
export interface InstalledPlugin {
  accountId: string;
  pluginId: string;
  manifest: PluginManifestEntry;
  jwtEncrypted: string;
  config: PluginConfig;
  position: number;
  enabled: boolean;
  failurePolicy: FailurePolicy;
  timeoutMs: number;
  maxAttempts: number;
  license: { state: LicenseState | null; description: string | null; error: string | null; checkedAt: Date | null };
  tokenRefreshedAt: Date | null;
  installedAt: Date;
  updatedAt: Date;
}

/** What the admin API shows of an installed plugin: everything but its token. */
export interface PluginView {
  pluginId: string;
  name?: string;
  displayName?: string;
  version?: string;
  position: number;
  enabled: boolean;
  failurePolicy: FailurePolicy;
  timeoutMs: number;
  maxAttempts: number;
  isAsync: boolean;
  supportedLogTypes: LogType[];
  config: PluginConfig;
  manifest: PluginManifestEntry;
  license: { state: LicenseState | null; description: string | null; error: string | null; checkedAt: string | null };
  tokenRefreshedAt: string | null;
  installedAt: string;
  updatedAt: string;
}

export interface InstallPluginInput {
  /** The platform manifest entry. */
  manifest: unknown;
  /** The installing admin's RingCentral access token, sent to userRegisterEndpointUrl and never stored. */
  rcAccessToken: unknown;
  /** The id the plugin is stored under (App Connect's `platformName`); default `manifest.name`. */
  pluginId?: unknown;
  config?: unknown;
  /** 1-based place in the account's chain; default last. */
  position?: unknown;
  enabled?: unknown;
  failurePolicy?: unknown;
  timeoutMs?: unknown;
  maxAttempts?: unknown;
}

export interface PluginPatch {
  config?: PluginConfig;
  position?: number;
  enabled?: boolean;
  failurePolicy?: FailurePolicy;
  timeoutMs?: number;
  maxAttempts?: number;
}

export interface LicenseReport {
  pluginId: string;
  /** App Connect's shape: true only for an active entitlement. */
  licenseStatus: boolean;
  licenseStatusDescription: string;
  errorMessage?: string;
  state: LicenseState;
  checkedAt: string;
}

export const PLUGIN_DEFAULTS = {
  timeoutMs: 10_000,
  maxAttempts: 8,
  failurePolicy: 'block' as FailurePolicy,
  enabled: true,
};

export const PLUGIN_LIMITS = {
  timeoutMs: { min: 100, max: 60_000 },
  maxAttempts: { min: 1, max: 20 },
  /** Serialized manifest size. */
  manifestBytes: 64 * 1024,
  configBytes: 16 * 1024,
};
