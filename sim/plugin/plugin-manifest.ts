import type { PluginMode } from './plugin-options';

export type LogType = 'call' | 'sms' | 'fax';

/** One entry of the manifest's `pageContent`: a config field; its value reaches the plugin as `config.<const>.value`. */
export interface PluginConfigField {
  const: string;
  title: string;
  type: 'inputField' | 'selection' | 'boolean';
  description?: string;
  defaultValue?: unknown;
  oneOf?: { const: string; title: string }[];
  multiSelect?: boolean;
}

/**
 * The platform manifest entry an admin installs (`platforms.<name>` of a Developer Console plugin manifest), shaped
 * after the template's manifests/sync.json and async.json. App Connect stores it with the plugin's jwtToken.
 */
export interface PluginManifest {
  name: string;
  displayName: string;
  description: string;
  version: string;
  endpointUrl: string;
  userRegisterEndpointUrl: string;
  /** Required by App Connect for async plugins; served in both modes. */
  tokenSyncUrl: string;
  licenseStatusUrl: string;
  requireLicense: boolean;
  supportedLogTypes: LogType[];
  isAsync: boolean;
  showAuthorizationButton: boolean;
  authorizationUrl: string;
  authStateUrl: string;
  logoutUrl: string;
  /** Config field metadata. */
  pageContent: PluginConfigField[];
}

export interface ManifestInput {
  url: string;
  mode: PluginMode;
  name: string;
  displayName: string;
  /** What the plugin appends when config leaves `suffix` empty: the sync marker or the async callback note. */
  defaultNote: string;
}

export function buildManifest(input: ManifestInput, overrides: Partial<PluginManifest> = {}): PluginManifest {
  const isAsync = input.mode === 'async';
  return {
    name: input.name,
    displayName: input.displayName,
    description: isAsync
      ? 'Simulated async plugin: accepts the task, then reports completion to the callback URL.'
      : 'Simulated sync plugin: appends a marker to the call note.',
    version: '0.1.0',
    endpointUrl: `${input.url}/plugin/${input.mode}`,
    userRegisterEndpointUrl: `${input.url}/admin/register`,
    tokenSyncUrl: `${input.url}/token/sync`,
    licenseStatusUrl: `${input.url}/license`,
    requireLicense: true,
    supportedLogTypes: ['call'],
    isAsync,
    showAuthorizationButton: false,
    authorizationUrl: '',
    authStateUrl: '',
    logoutUrl: '',
    pageContent: [
      {
        const: 'suffix',
        title: isAsync ? 'Callback note' : 'Note marker',
        type: 'inputField',
        description: isAsync ? 'Note the completion callback appends to the call log' : 'Text appended to the call note',
        defaultValue: input.defaultNote,
      },
    ],
    ...structuredClone(overrides),
  };
}
