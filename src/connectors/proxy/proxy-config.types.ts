import type { AdditionalField, LogFormat } from '../crm-connector';
import type { HttpMethod } from '../http-connector.client';

// The declarative proxy-connector document (App Connect's "proxy mode", proxy-format.md). An account's connector
// config for the `proxy` connector IS this document. Unknown keys are kept and ignored, so App Connect documents
// with operations we do not run (createMessageLog, getUserInfo...) load unchanged.

export interface ProxyAuthConfig {
  /** `apiKey` (default) or `oauth`. */
  type?: 'apiKey' | 'oauth';
  /** Put before the credential: `Basic`, `Bearer`. */
  scheme?: string;
  /** Default `Authorization`. */
  headerName?: string;
  /** Rendered from the context, e.g. `{{apiKey}}:`. */
  credentialTemplate?: string;
  /** `base64` (default) or `none`. */
  encode?: 'base64' | 'none';
  [extra: string]: unknown;
}

export interface ProxyRequestDefaults {
  /** Joined to relative operation URLs with exactly one slash; templated. Empty: the `baseUrl` setting is used. */
  baseUrl?: string;
  timeoutSeconds?: number;
  /** Templated. */
  defaultHeaders?: Record<string, string>;
  [extra: string]: unknown;
}

/** Dot paths into `{ body: <parsed JSON answer> }` (list items: relative to each item). `''` = the default key. */
export interface ProxyResponseMapping {
  listPath?: string;
  item?: Record<string, string>;
  idPath?: string;
  namePath?: string;
  typePath?: string;
  emailPath?: string;
  isLicenseValidPath?: string;
  licenseStatusPath?: string;
  licenseStatusDescriptionPath?: string;
  [extra: string]: unknown;
}

export interface ProxyOperation {
  /** Default GET. */
  method?: HttpMethod | Lowercase<HttpMethod>;
  /** Absolute, or joined to requestDefaults.baseUrl; templated (embedded values are percent-encoded). */
  url: string;
  headers?: Record<string, string>;
  query?: Record<string, unknown>;
  body?: unknown;
  auth?: ProxyAuthConfig;
  responseMapping?: ProxyResponseMapping;
  [extra: string]: unknown;
}

/** Operations this service runs; a document may hold others (App Connect's message logging etc.). */
export type ProxyOperationName =
  | 'findContact'
  | 'createContact'
  | 'createCallLog'
  | 'updateCallLog'
  | 'getCallLog'
  | 'getUserList'
  | 'getLicenseStatus';

export interface ProxyConfig {
  meta: {
    name?: string;
    displayName?: string;
    logFormat: LogFormat;
    /** Our extension: extra number forms the pipeline searches (manifest.phoneNumberFormats). */
    phoneNumberFormats?: string[];
    /** Our extension: the settings fields to ask the admin for, instead of deriving them from the templates. */
    serverSideLogging?: { additionalFields?: AdditionalField[] };
    [extra: string]: unknown;
  };
  auth?: ProxyAuthConfig;
  requestDefaults?: ProxyRequestDefaults;
  operations: Partial<Record<ProxyOperationName, ProxyOperation>> & Record<string, ProxyOperation | undefined>;
  [extra: string]: unknown;
}
