import type { AdditionalField } from '../crm-connector';

/** The `app-connect` connector's per-account config. */
export interface AppConnectConfig {
  /** Base URL of the deployed App Connect connector server, e.g. https://unified-crm-extension.labs.ringcentral.com. */
  serverUrl: string;
  /** App Connect JWT of the admin's App Connect user (what the App Connect client got from /apiKeyLogin or OAuth). */
  jwtToken: string;
  /**
   * A current RingCentral admin access token, only for getUserList (App Connect's POST /admin/userMapping checks
   * the caller is a RingCentral admin). RingCentral tokens live an hour, so do not store one: pass
   * `{...config, rcAccessToken}` in ctx.config when asking for the user list.
   */
  rcAccessToken?: string;
  /**
   * The remote connector's `serverSideLogging.additionalFields` (from its App Connect manifest), to show them in the
   * admin UI and check values before they are sent. Without it any values are sent and the remote decides.
   */
  additionalFields?: AdditionalField[];
  /** Send `isForceRefreshAccountData=true` on contact lookups, bypassing App Connect's per-account contact cache. */
  forceContactRefresh?: boolean;
}

/** App Connect's user-facing message object (ReturnMessage); some routes send a plain string instead. */
export interface ReturnMessage {
  message?: string;
  messageType?: string;
  ttl?: number;
  [extra: string]: unknown;
}

export interface AppConnectContact {
  id?: string | number;
  name?: string;
  phone?: string;
  phoneNumber?: string;
  type?: string;
  createdDate?: string;
  mostRecentActivityDate?: string;
  additionalInfo?: Record<string, unknown> | null;
  isNewContact?: boolean;
  [extra: string]: unknown;
}

export interface ContactSearchResponse {
  successful: boolean;
  returnMessage?: ReturnMessage | string | null;
  contact?: AppConnectContact[];
}

export interface CallLogMutationResponse {
  successful: boolean;
  logId?: string | number;
  updatedNote?: string;
  returnMessage?: ReturnMessage | string | null;
}

export interface CallLogLookupResponse {
  successful: boolean;
  logs: { sessionId: string; matched: boolean; logId?: string }[];
  returnMessage?: ReturnMessage | string | null;
}

export interface UserMappingItem {
  crmUser?: { id?: string | number; name?: string; email?: string };
  rcUser?: unknown[];
}
