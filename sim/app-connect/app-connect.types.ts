/** An App Connect user row: who a JWT belongs to (for SSCL, the admin who connected the CRM). */
export interface SimAppConnectUser {
  id: string;
  /** Values behind GET/POST /admin/serverLoggingSettings (e.g. a service account). */
  serverLoggingSettings?: Record<string, string>;
  /** Answer of GET /licenseStatus. */
  license?: { isLicenseValid: boolean; licenseStatus: string; licenseStatusDescription: string };
}

/** A CRM contact as the remote connector returns it from GET /contact. */
export interface SimContact {
  id: string | number;
  name: string;
  phone: string;
  type?: string;
  createdDate?: string;
  mostRecentActivityDate?: string;
}

/** A CRM user as the remote connector's getUserList returns it (ids are sometimes numbers there). */
export interface SimCrmUser {
  id: string | number;
  name: string;
  email?: string;
}

/** One CRM activity the server created through POST /callLog, with everything the request carried. */
export interface SimCallLog {
  /** The connector's log id (numeric, as many App Connect connectors return it). */
  logId: number;
  /** The App Connect user (JWT subject) that created it. */
  userId: string;
  sessionId: string;
  telephonySessionId?: string;
  /** As received: SSCL sends the raw RingCentral extension id. */
  rcExtensionId?: string;
  /** What the server stored for de-duplication: sha256(`<rcExtensionId>:<hashKey>`), or the client's hashed id. */
  hashedExtensionId: string;
  extensionNumber: string;
  userAgent?: string;
  isFromSSCL: boolean;
  contactId: string;
  contactType?: string;
  contactName?: string;
  subject?: string;
  note?: string;
  accountId?: string;
  /** The hashed account id the server used (header `rc-account-id`, else hash of `logInfo.accountId`). */
  hashedAccountId: string;
  logInfo: Record<string, unknown>;
  additionalSubmission?: Record<string, unknown>;
  /** Every PATCH /callLog body applied to this log, in order. */
  updates: Record<string, unknown>[];
  createdAt: string;
}

/** A request as the server received it (after validation), for assertions on headers and parameters. */
export interface SimRequestRecord {
  operationId: string;
  method: string;
  path: string;
  query: Record<string, unknown>;
  /** Lower-case header names; `authorization` and `x-rc-access-token` are kept (this is a test server). */
  headers: Record<string, string>;
  body?: unknown;
  status: number;
}

/** A request or response that did not match the OpenAPI document. */
export interface ValidationFailure {
  direction: 'request' | 'response';
  operationId?: string;
  method: string;
  path: string;
  status?: number;
  errors: { instancePath: string; message: string }[];
}

export interface AppConnectKnobs {
  /**
   * Answer 200 `{successful: false, returnMessage: {message}}` (App Connect's usual failure shape) for the listed
   * operationIds (all the routes that have that shape when omitted), for the next `count` requests (always when
   * omitted). null = off.
   */
  successfulFalse: { message: string; operations?: string[]; count?: number } | null;
  /** While true, authenticated routes answer 401 `{successful: false, returnMessage, errorCode: "CRM_SESSION_REVOKED"}`. */
  revokeSession: boolean;
  /** The next `rejectNext` requests get 429 with `Retry-After: retryAfterSeconds` (default 1). null = off. */
  rateLimit: { rejectNext: number; retryAfterSeconds?: number } | null;
  /**
   * Attach a fresh `x-refreshed-jwt-token` to every response to an authenticated request. Without it the server
   * does what App Connect does: only when the token sent expires within 7 days.
   */
  refreshJwt: boolean;
  /** Delay before every answer. */
  latencyMs: number;
}

export const DEFAULT_KNOBS: AppConnectKnobs = {
  successfulFalse: null,
  revokeSession: false,
  rateLimit: null,
  refreshJwt: false,
  latencyMs: 0,
};
