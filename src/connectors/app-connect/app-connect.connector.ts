import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { ConnectorConfigError } from '../connector-config.error';
import { ConnectorError, type ConnectorErrorCode, scrub } from '../connector.error';
import {
  CrmConnector,
  type ConnectorConfig,
  type ConnectorContext,
  type ConnectorManifest,
  type ContactMatch,
  type CreateCallLogArgs,
  type CreateCallLogResult,
  type CreateContactArgs,
  type CrmUserSummary,
  type FindContactArgs,
  type GetLicenseStatusArgs,
  type GetUserListArgs,
  type LicenseStatus,
  type RcCallLog,
  type RcCallParty,
  type ServerLoggingSettingsUpdateResult,
  type UpdateCallLogArgs,
  type UpdateCallLogResult,
} from '../crm-connector';
import { HttpConnectorClient, type HttpMethod } from '../http-connector.client';
import { checkAdditionalFields } from '../proxy/proxy-config.validation';
import { isoDate } from '../proxy/proxy.connector';
import { APP_CONNECT_TOKEN_SINK, type AppConnectTokenSink, NOOP_APP_CONNECT_TOKEN_SINK } from './app-connect-token.sink';
import type {
  AppConnectConfig,
  AppConnectContact,
  CallLogLookupResponse,
  CallLogMutationResponse,
  ContactSearchResponse,
  ReturnMessage,
  UserMappingItem,
} from './app-connect.types';

const CONNECTOR_ID = 'app-connect';
/** App Connect's "Rate limit exceeded" says "try again in the next minute". */
const APP_CONNECT_RATE_LIMIT_SECONDS = 60;
const REFRESHED_JWT_HEADER = 'x-refreshed-jwt-token';

/**
 * A bridge to a deployed App Connect connector server (crm-server-openapi.json): the remote server owns the CRM
 * connector, its credentials, call-log composition, duplicate detection and user mappings; this connector speaks
 * its HTTP API the way RingCentral's own server-side logging service does (`User-Agent: SSCL`, raw rcExtensionId).
 */
@Injectable()
export class AppConnectConnector extends CrmConnector {
  readonly id = CONNECTOR_ID;
  private readonly logger = new Logger(AppConnectConnector.name);
  private readonly sink: AppConnectTokenSink;

  constructor(
    private readonly http: HttpConnectorClient,
    @Optional() @Inject(APP_CONNECT_TOKEN_SINK) sink?: AppConnectTokenSink,
  ) {
    super();
    this.sink = sink ?? NOOP_APP_CONNECT_TOKEN_SINK;
  }

  /**
   * logFormat is text/plain but unused: App Connect composes the log body itself (from logInfo and its admin's
   * call-log settings), so composedLogDetails is not sent. The settings fields are the remote connector's, when the
   * config lists them (`additionalFields`).
   */
  manifest(config: ConnectorConfig): ConnectorManifest {
    const fields = Array.isArray(config?.additionalFields) ? structuredClone(config.additionalFields) : [];
    return {
      name: CONNECTOR_ID,
      displayName: 'App Connect server',
      logFormat: 'text/plain',
      serverSideLogging: { additionalFields: fields, enableUserMapping: true },
      // App Connect's core answers "Contact not found for number ..." to a log without a contactId.
      requiresContact: true,
    };
  }

  validateConfig(config: unknown): void {
    parseConfig(config);
  }

  /** Bearer + the App Connect JWT from the config (the settings are the remote's business). */
  getAuthHeader(ctx: ConnectorContext, _settings: Record<string, string>): string {
    return `Bearer ${usableJwt(parseConfig(ctx.config).jwtToken)}`;
  }

  /** The remote connector's server-logging settings: GET /admin/serverLoggingSettings, text values only. */
  override async getServerLoggingSettings(ctx: ConnectorContext): Promise<Record<string, string>> {
    const body = await this.call<Record<string, unknown>>(ctx, this.getAuthHeader(ctx, {}), 'getServerLoggingSettings', 'GET', '/admin/serverLoggingSettings');
    const settings: Record<string, string> = {};
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      for (const [key, value] of Object.entries(body)) {
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') settings[key] = String(value);
      }
    }
    return settings;
  }

  /**
   * Checks the values against the config's additionalFields (when it lists them), then POST
   * /admin/serverLoggingSettings: the remote connector stores them. Its `successful:false` is returned, not thrown.
   */
  override async updateServerLoggingSettings(ctx: ConnectorContext, additionalFieldValues: Record<string, unknown>): Promise<ServerLoggingSettingsUpdateResult> {
    if (parseConfig(ctx.config).additionalFields) {
      const local = await super.updateServerLoggingSettings(ctx, additionalFieldValues);
      if (!local.successful) return local;
    }
    const answer = await this.call<{ successful?: boolean; returnMessage?: ReturnMessage | string }>(
      ctx,
      this.getAuthHeader(ctx, {}),
      'updateServerLoggingSettings',
      'POST',
      '/admin/serverLoggingSettings',
      { body: { additionalFieldValues } },
    );
    const message = messageOf(answer?.returnMessage);
    return { successful: answer?.successful === true, ...(message && { returnMessage: message }) };
  }

  /**
   * GET /contact. Reads the HTTP key `contact` (not the connector-level matchedContactInfo) and leaves out App
   * Connect's synthetic "create new contact" entry. `isExtension` is sent only when true: core passes the query
   * string on, and the string "false" is truthy to the connectors behind it.
   */
  async findContact({ ctx, authHeader, phoneNumber, overridingFormat, isExtension }: FindContactArgs): Promise<ContactMatch[]> {
    const config = parseConfig(ctx.config);
    const answer = await this.call<ContactSearchResponse>(ctx, authHeader, 'findContact', 'GET', '/contact', {
      query: {
        phoneNumber,
        overridingFormat: overridingFormat || undefined,
        isExtension: isExtension ? 'true' : undefined,
        isForceRefreshAccountData: config.forceContactRefresh ? 'true' : undefined,
      },
    });
    if (!answer?.successful) {
      // App Connect's own "nothing found" (and its answer for a user without CRM credentials) is this message.
      if (/^contact not found/i.test(messageOf(answer?.returnMessage) ?? '')) return [];
      throw answerFailure('findContact', answer?.returnMessage);
    }
    return (answer.contact ?? []).filter((c) => !c.isNewContact && c.id !== 'createNewContact' && present(c.id)).map(toContactMatch);
  }

  /**
   * POST /contact. App Connect takes no idempotency key here: a retry after a lost answer may create the contact
   * twice (the next lookup then finds both, and the multi-match policy applies).
   */
  override async createContact({ ctx, authHeader, phoneNumber, newContactName, newContactType }: CreateContactArgs): Promise<ContactMatch> {
    const answer = await this.call<{ successful?: boolean; contact?: AppConnectContact; returnMessage?: ReturnMessage | string }>(
      ctx,
      authHeader,
      'createContact',
      'POST',
      '/contact',
      { body: dropUndefined({ phoneNumber, newContactName, newContactType: newContactType || undefined }) },
    );
    if (!answer?.successful) throw answerFailure('createContact', answer?.returnMessage);
    if (!answer.contact || !present(answer.contact.id)) {
      throw new ConnectorError('UNKNOWN', 'app-connect createContact: App Connect answered successful without a contact id', { operation: 'createContact', connectorId: CONNECTOR_ID });
    }
    const created = toContactMatch(answer.contact);
    return { ...created, name: created.name || newContactName, phone: created.phone ?? phoneNumber, type: created.type ?? newContactType ?? 'Contact' };
  }

  /**
   * POST /callLog as RingCentral's SSCL service does: `User-Agent: SSCL`, the raw `rcExtensionId`, `logInfo` = the
   * call record with `customSubject`, `accountId` (raw: the remote hashes it with its own key) and epoch-ms
   * `startTime`, the contact, the agent's `note` and `additionalSubmission`. The returned logId also carries the
   * session and extension, which PATCH /callLog needs (see encodeAppConnectLogId).
   */
  async createCallLog(args: CreateCallLogArgs): Promise<CreateCallLogResult> {
    const { ctx, authHeader, callLog, contactInfo, rcExtensionId } = args;
    if (!present(contactInfo.id)) {
      throw new ConnectorError('VALIDATION', 'app-connect createCallLog: App Connect logs a call only against a CRM contact, and this call has none', {
        operation: 'createCallLog',
        connectorId: CONNECTOR_ID,
        field: 'contactId',
      });
    }
    const sessionId = String(callLog.sessionId ?? '');
    const extensionNumber = agentParty(callLog, rcExtensionId)?.extensionNumber;
    const body = dropUndefined({
      logInfo: toLogInfo(callLog, ctx.accountId, args.subject),
      rcExtensionId,
      extensionNumber,
      contactId: String(contactInfo.id),
      contactType: contactInfo.type || undefined,
      contactName: contactInfo.name || undefined,
      note: args.note,
      additionalSubmission: { ...args.additionalSubmission },
    });
    const answer = await this.call<CallLogMutationResponse>(ctx, authHeader, 'createCallLog', 'POST', '/callLog', {
      body,
      headers: { 'User-Agent': 'SSCL' },
    });
    if (answer?.successful && present(answer.logId)) return { logId: encodeAppConnectLogId(String(answer.logId), sessionId, rcExtensionId) };
    // App Connect de-duplicates by session and extension: a retry of a log whose first answer was lost lands here.
    const message = messageOf(answer?.returnMessage) ?? '';
    if (/^existing log for session/i.test(message) && sessionId) {
      const existing = await this.findExistingLog(ctx, authHeader, sessionId, extensionNumber);
      if (existing) return { logId: encodeAppConnectLogId(existing, sessionId, rcExtensionId) };
    }
    if (answer?.successful) {
      throw new ConnectorError('UNKNOWN', 'app-connect createCallLog: App Connect answered successful without a logId', { operation: 'createCallLog', connectorId: CONNECTOR_ID });
    }
    throw answerFailure('createCallLog', answer?.returnMessage);
  }

  /**
   * PATCH /callLog, found by App Connect through sessionId + rcExtensionId (from a logId this connector issued, or
   * else from `callLog.sessionId` and the agent's extension in it). Sends what is given: subject, the agent note
   * (`note`, or `appendNote`: App Connect has no append), duration, result, an http(s) recording link, times and
   * parties. composedLogDetails is not sent: App Connect recomposes the body itself.
   */
  async updateCallLog(args: UpdateCallLogArgs): Promise<UpdateCallLogResult> {
    const { ctx, authHeader, callLog } = args;
    const ref = decodeAppConnectLogId(args.thirdPartyLogId) ?? refFromCallLog(callLog);
    if (!ref) {
      throw new ConnectorError(
        'VALIDATION',
        'app-connect updateCallLog: App Connect finds a log by session and extension, and neither the log id nor callLog says which',
        { operation: 'updateCallLog', connectorId: CONNECTOR_ID },
      );
    }
    const duration = args.duration ?? callLog?.duration;
    const body = dropUndefined({
      sessionId: ref.sessionId,
      rcExtensionId: ref.rcExtensionId,
      accountId: ctx.accountId,
      subject: args.subject,
      note: args.note ?? args.appendNote,
      duration: seconds(duration),
      result: args.result ?? callLog?.result,
      recordingLink: httpUrl(args.recordingLink ?? callLog?.recording?.link),
      startTime: epochMs(callLog?.startTime),
      direction: callLog?.direction,
      from: callLog?.from && party(callLog.from),
      to: callLog?.to && party(callLog.to),
      legs: callLog?.legs && legs(callLog.legs),
      telephonySessionId: callLog?.telephonySessionId,
    });
    const answer = await this.call<CallLogMutationResponse>(ctx, authHeader, 'updateCallLog', 'PATCH', '/callLog', {
      body,
      headers: { 'User-Agent': 'SSCL' },
    });
    if (answer?.successful) return typeof answer.updatedNote === 'string' ? { updatedNote: answer.updatedNote } : {};
    // Core answers a bare {successful: false} when it has no log for this session and extension.
    if (!messageOf(answer?.returnMessage)) {
      throw new ConnectorError('NOT_FOUND', 'app-connect updateCallLog: App Connect has no log for this call session and extension', {
        operation: 'updateCallLog',
        connectorId: CONNECTOR_ID,
      });
    }
    throw answerFailure('updateCallLog', answer?.returnMessage);
  }

  /**
   * POST /admin/userMapping with an empty rcExtensionList (so nothing is auto-matched or stored remotely), mapping
   * each `crmUser`. App Connect requires a RingCentral admin token for this route: `rcAccessToken` in ctx.config.
   */
  async getUserList({ ctx, authHeader }: GetUserListArgs): Promise<CrmUserSummary[]> {
    const { rcAccessToken } = parseConfig(ctx.config);
    if (!rcAccessToken) {
      throw new ConnectorConfigError(
        'rcAccessToken',
        "App Connect's user mapping route needs a current RingCentral admin access token; pass one in the connector config when asking for the user list",
      );
    }
    const answer = await this.call<UserMappingItem[] | { successful?: boolean; returnMessage?: ReturnMessage | string }>(
      ctx,
      authHeader,
      'getUserList',
      'POST',
      '/admin/userMapping',
      { body: { rcExtensionList: [] }, headers: { 'X-RC-Access-Token': rcAccessToken } },
    );
    if (!Array.isArray(answer)) {
      if (answer && answer.successful === false) throw answerFailure('getUserList', answer.returnMessage);
      return [];
    }
    const users: CrmUserSummary[] = [];
    for (const { crmUser } of answer) {
      if (!crmUser || !present(crmUser.id)) continue;
      users.push({ id: String(crmUser.id), name: typeof crmUser.name === 'string' ? crmUser.name : '', ...(crmUser.email && { email: crmUser.email }) });
    }
    return users;
  }

  override async getLicenseStatus({ ctx, authHeader }: GetLicenseStatusArgs): Promise<LicenseStatus> {
    const answer = await this.call<Partial<Record<keyof LicenseStatus, unknown>>>(ctx, authHeader, 'getLicenseStatus', 'GET', '/licenseStatus');
    return {
      isLicenseValid: answer?.isLicenseValid === true,
      licenseStatus: typeof answer?.licenseStatus === 'string' ? answer.licenseStatus : '',
      licenseStatusDescription: typeof answer?.licenseStatusDescription === 'string' ? answer.licenseStatusDescription : '',
    };
  }

  /** The remote's log id for a session already logged (GET /callLog), narrowed by extension number when known. */
  private async findExistingLog(ctx: ConnectorContext, authHeader: string, sessionId: string, extensionNumber: string | undefined): Promise<string | undefined> {
    const answer = await this.call<CallLogLookupResponse>(ctx, authHeader, 'createCallLog', 'GET', '/callLog', {
      query: { sessionIds: sessionId, extensionNumber },
    });
    return answer?.logs?.find((log) => log.sessionId === sessionId && log.matched && present(log.logId))?.logId;
  }

  private async call<T>(
    ctx: ConnectorContext,
    authHeader: string,
    operation: string,
    method: HttpMethod,
    path: string,
    options: { query?: Record<string, string | undefined>; body?: unknown; headers?: Record<string, string | undefined> } = {},
  ): Promise<T> {
    const { serverUrl } = parseConfig(ctx.config);
    let res;
    try {
      res = await this.http.request<T>({
        connectorId: CONNECTOR_ID,
        operation,
        method,
        url: `${serverUrl}${path}`,
        query: options.query,
        headers: { ...options.headers, Authorization: authHeader },
        body: options.body,
        signal: ctx.signal,
      });
    } catch (error) {
      throw sessionRejected(error);
    }
    await this.keepRefreshedJwt(ctx, authHeader, res.headers.get(REFRESHED_JWT_HEADER));
    return res.body;
  }

  private async keepRefreshedJwt(ctx: ConnectorContext, authHeader: string, refreshed: string | null): Promise<void> {
    const jwt = refreshed?.trim();
    if (!jwt || authHeader === `Bearer ${jwt}`) return;
    try {
      await this.sink.save(ctx.accountId, jwt);
    } catch (error) {
      // The request itself succeeded; App Connect sends a new token again on the next one.
      this.logger.warn({ accountId: ctx.accountId, error: (error as Error)?.message }, 'could not save the refreshed App Connect JWT');
    }
  }
}

// ---- config ----

function parseConfig(config: unknown): AppConnectConfig {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ConnectorConfigError('config', 'must be an object like {"serverUrl": "https://…", "jwtToken": "…"}');
  }
  const raw = config as Record<string, unknown>;
  if (typeof raw.serverUrl !== 'string' || raw.serverUrl.trim() === '') throw new ConnectorConfigError('serverUrl', 'is required');
  let url: URL;
  try {
    url = new URL(raw.serverUrl.trim());
  } catch {
    throw new ConnectorConfigError('serverUrl', 'must be an http or https URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConnectorConfigError('serverUrl', 'must be an http or https URL');
  if (url.username || url.password) throw new ConnectorConfigError('serverUrl', 'must not contain credentials');
  if (url.search || url.hash) throw new ConnectorConfigError('serverUrl', 'must not have a query or fragment');
  if (typeof raw.jwtToken !== 'string' || raw.jwtToken.trim() === '') throw new ConnectorConfigError('jwtToken', 'is required: the App Connect JWT of the admin’s App Connect user');
  if (/\s/.test(raw.jwtToken.trim())) throw new ConnectorConfigError('jwtToken', 'must be the token alone, without "Bearer" or spaces');
  usableJwt(raw.jwtToken.trim());
  if (raw.rcAccessToken !== undefined && (typeof raw.rcAccessToken !== 'string' || raw.rcAccessToken.trim() === '')) {
    throw new ConnectorConfigError('rcAccessToken', 'must be a non-empty string when given');
  }
  if (raw.additionalFields !== undefined) checkAdditionalFields(raw.additionalFields, 'additionalFields');
  if (raw.forceContactRefresh !== undefined && typeof raw.forceContactRefresh !== 'boolean') {
    throw new ConnectorConfigError('forceContactRefresh', 'must be true or false');
  }
  return {
    serverUrl: url.href.replace(/\/+$/, ''),
    jwtToken: raw.jwtToken.trim(),
    ...(typeof raw.rcAccessToken === 'string' && { rcAccessToken: raw.rcAccessToken.trim() }),
    ...(raw.additionalFields !== undefined && { additionalFields: raw.additionalFields as AppConnectConfig['additionalFields'] }),
    ...(raw.forceContactRefresh !== undefined && { forceContactRefresh: raw.forceContactRefresh as boolean }),
  };
}

/** The token, unless it is a JWT whose `exp` has passed (App Connect would only answer "authorize CRM platform"). */
function usableJwt(token: string): string {
  const exp = jwtExpiry(token);
  if (exp !== undefined && exp * 1000 <= Date.now()) {
    throw new ConnectorConfigError('jwtToken', `the App Connect JWT expired at ${new Date(exp * 1000).toISOString()}; sign in to App Connect again and save the new token`);
  }
  return token;
}

function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (token.split('.').length !== 3 || !payload) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp : undefined;
  } catch {
    return undefined;
  }
}

// ---- log ids ----

/**
 * The logId this connector returns: App Connect's log id, the call session id and the raw extension id, each
 * percent-encoded and joined with `|` (`42|17158772005|62981001`). App Connect's PATCH /callLog finds a log by
 * session and extension, not by its id, so the ids travel with the log.
 */
export function encodeAppConnectLogId(remoteLogId: string, sessionId: string, rcExtensionId: string): string {
  return [remoteLogId, sessionId, rcExtensionId].map(encodeURIComponent).join('|');
}

/** The parts of a logId from encodeAppConnectLogId; undefined for any other id. */
export function decodeAppConnectLogId(logId: string): { remoteLogId: string; sessionId: string; rcExtensionId: string } | undefined {
  const parts = logId.split('|');
  if (parts.length !== 3) return undefined;
  try {
    const [remoteLogId, sessionId, rcExtensionId] = parts.map(decodeURIComponent) as [string, string, string];
    return sessionId ? { remoteLogId, sessionId, rcExtensionId } : undefined;
  } catch {
    return undefined;
  }
}

function refFromCallLog(callLog: Partial<RcCallLog> | undefined): { sessionId: string; rcExtensionId?: string } | undefined {
  if (!callLog?.sessionId) return undefined;
  const agent = callLog.direction === 'Outbound' ? callLog.from : callLog.direction === 'Inbound' ? callLog.to : undefined;
  return { sessionId: callLog.sessionId, ...(agent?.extensionId && { rcExtensionId: agent.extensionId }) };
}

/** The agent's side of the call: `to` of an inbound call, `from` of an outbound one (when it is that extension). */
function agentParty(callLog: RcCallLog, rcExtensionId: string): RcCallParty | undefined {
  const party = callLog.direction === 'Inbound' ? callLog.to : callLog.from;
  return party && (!party.extensionId || party.extensionId === rcExtensionId) ? party : undefined;
}

// ---- request shapes (RcCallLogRecord etc. of crm-server-openapi.json) ----

function toLogInfo(callLog: RcCallLog, accountId: string, subject: string): Record<string, unknown> {
  return dropUndefined({
    ...callLog,
    sessionId: String(callLog.sessionId ?? ''),
    accountId,
    startTime: epochMs(callLog.startTime) ?? callLog.startTime,
    duration: (callLog.duration as unknown) === 'pending' ? 'pending' : seconds(callLog.duration),
    from: callLog.from && party(callLog.from),
    to: callLog.to && party(callLog.to),
    recording: callLog.recording && recording(callLog.recording),
    legs: callLog.legs && legs(callLog.legs),
    customSubject: subject,
  });
}

function party(p: RcCallParty): RcCallParty {
  return dropUndefined({
    ...p,
    phoneNumber: p.phoneNumber || undefined,
    extensionNumber: p.extensionNumber === undefined ? undefined : String(p.extensionNumber),
    extensionId: p.extensionId === undefined ? undefined : String(p.extensionId),
  }) as RcCallParty;
}

/** Links App Connect types as URIs: anything that is not an http(s) URL (a "pending" marker) is left out. */
function recording(r: NonNullable<RcCallLog['recording']>): Record<string, unknown> | undefined {
  const out = dropUndefined({ ...r, link: httpUrl(r.link), contentUri: httpUrl(r.contentUri), uri: httpUrl((r as { uri?: string }).uri) });
  return Object.keys(out).length ? out : undefined;
}

function legs(list: NonNullable<RcCallLog['legs']>): Record<string, unknown>[] {
  return list.map((leg) =>
    dropUndefined({
      ...leg,
      startTime: leg.startTime && isoDate(leg.startTime),
      duration: seconds(leg.duration),
      from: leg.from && party(leg.from),
      to: leg.to && party(leg.to),
    }),
  );
}

function epochMs(time: string | number | undefined): number | undefined {
  if (typeof time === 'number') return Number.isFinite(time) ? Math.round(time) : undefined;
  if (typeof time !== 'string') return undefined;
  const ms = Date.parse(time);
  return Number.isFinite(ms) ? ms : undefined;
}

function seconds(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, Math.round(value)) : undefined;
}

function httpUrl(link: string | undefined): string | undefined {
  return link && /^https?:\/\/\S+$/i.test(link) ? link : undefined;
}

function toContactMatch(c: AppConnectContact): ContactMatch {
  const phone = c.phone || c.phoneNumber;
  const createdDate = isoDate(c.createdDate);
  const mostRecentActivityDate = isoDate(c.mostRecentActivityDate);
  return {
    id: String(c.id),
    name: typeof c.name === 'string' ? c.name : '',
    ...(phone && { phone }),
    ...(c.type && { type: c.type }),
    ...(createdDate && { createdDate }),
    ...(mostRecentActivityDate && { mostRecentActivityDate }),
    ...(c.additionalInfo && typeof c.additionalInfo === 'object' && !Array.isArray(c.additionalInfo) && { additionalInfo: c.additionalInfo }),
  };
}

// ---- answers ----

function messageOf(returnMessage: ReturnMessage | string | null | undefined): string | undefined {
  if (typeof returnMessage === 'string') return returnMessage || undefined;
  return typeof returnMessage?.message === 'string' && returnMessage.message ? returnMessage.message : undefined;
}

/**
 * What App Connect's `successful:false` answers mean for the ConnectorErrorPolicy. Core folds CRM failures into a
 * few fixed messages (lib/errorHandler.ts, generalErrorMessage.ts), so the message is all there is to go on:
 * - "Rate limit exceeded" (the CRM said 429) → RATE_LIMITED, retry after 60 s;
 * - "Authorization error" (the CRM said 400–409, which core does not tell apart), "User not found", "User
 *   session expired…", "…authorize…" → AUTH_REVOKED: the account pauses and nothing is lost until an admin looks;
 * - "Error creating call log" and the other per-operation defaults (CRM 5xx, timeouts), "Database operation
 *   failed" → TEMPORARY;
 * - anything else ("Contact not found for number …", a connector's own message) → VALIDATION: this call fails.
 */
export function classifyAppConnectAnswer(message: string): ConnectorErrorCode {
  if (/rate limit/i.test(message)) return 'RATE_LIMITED';
  if (/^authorization error|user not found|session expired|connect again|authoriz(e|ation)/i.test(message)) return 'AUTH_REVOKED';
  if (/^error (creating|updating|getting|finding|searching|performing)|database operation failed|temporar|unavailable|timed? ?out/i.test(message)) {
    return 'TEMPORARY';
  }
  return 'VALIDATION';
}

function answerFailure(operation: string, returnMessage: ReturnMessage | string | null | undefined): ConnectorError {
  const message = messageOf(returnMessage) ?? 'no message';
  const code = classifyAppConnectAnswer(message);
  const shown = scrub(message)
    .replace(/\+?\d[\d\s().-]{5,}\d/g, '[number]')
    .slice(0, 200);
  return new ConnectorError(code, `${CONNECTOR_ID} ${operation}: App Connect answered successful:false (${shown})`, {
    operation,
    connectorId: CONNECTOR_ID,
    crmError: shown.slice(0, 64),
    ...(code === 'RATE_LIMITED' && { retryAfterSeconds: APP_CONNECT_RATE_LIMIT_SECONDS }),
  });
}

/**
 * App Connect answers a missing, invalid or expired JWT, and a JWT whose user is gone, with HTTP 400 and a plain
 * text body ("Please go to Settings and authorize CRM platform", "User not found"); its thrown handler errors are
 * 400 with a JSON `{error}`. So a 400 without a JSON error code is the session, not the request: AUTH_REVOKED.
 */
function sessionRejected(error: unknown): unknown {
  if (error instanceof ConnectorError && error.status === 400 && error.crmError === undefined) {
    return new ConnectorError('AUTH_REVOKED', `${CONNECTOR_ID} ${error.operation}: App Connect did not accept the session (HTTP 400 without details: invalid or expired JWT, or its user is gone)`, {
      operation: error.operation,
      connectorId: CONNECTOR_ID,
      status: 400,
      cause: error,
    });
  }
  return error;
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

function dropUndefined<T extends Record<string, unknown>>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as T;
}
