import { Injectable } from '@nestjs/common';
import { ConnectorConfigError } from '../connector-config.error';
import { ConnectorError } from '../connector.error';
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
  type CallLogInfo,
  type FindContactArgs,
  type GetCallLogArgs,
  type GetUserListArgs,
  type UpdateCallLogArgs,
  type UpdateCallLogResult,
} from '../crm-connector';
import { HttpConnectorClient, type HttpMethod } from '../http-connector.client';
import { overridingFormats, phoneForms } from '../phone-forms';

export interface SampleCrmConfig {
  /** The CRM's API base, e.g. `http://127.0.0.1:4010/api` (SampleCrm.apiUrl). */
  baseUrl: string;
}

interface CrmContactBody {
  id: string;
  name: string;
  type?: string;
  phones?: string[];
  createdAt?: string;
  lastActivityAt?: string | null;
}

interface CrmActivityBody {
  id: string;
  subject?: string;
  body?: string;
  note?: string;
}

const MANIFEST: ConnectorManifest = {
  name: 'sample-crm',
  displayName: 'Sample CRM',
  // The sample CRM stores the body verbatim and its only UI shows it as source in a <pre>: plain text reads as
  // written there, HTML would show its tags.
  logFormat: 'text/plain',
  serverSideLogging: {
    additionalFields: [
      {
        const: 'apiKey',
        title: 'API key',
        type: 'password',
        required: true,
        description: 'A Sample CRM API key; calls are logged with it for every agent.',
      },
    ],
    enableUserMapping: true,
  },
  // The CRM matches any format by E.164 itself, so searching by E.164 alone finds every stored form.
};

/** The code connector for the bundled sample CRM (sim/crm). */
@Injectable()
export class SampleCrmConnector extends CrmConnector {
  readonly id = 'sample-crm';

  constructor(private readonly http: HttpConnectorClient) {
    super();
  }

  manifest(_config: ConnectorConfig): ConnectorManifest {
    return structuredClone(MANIFEST);
  }

  validateConfig(config: unknown): void {
    parseConfig(config);
  }

  getAuthHeader(_ctx: ConnectorContext, settings: Record<string, string>): string {
    const apiKey = settings.apiKey?.trim();
    if (!apiKey) throw new ConnectorConfigError('serverLoggingSettings.apiKey', 'the API key is not set');
    return `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`;
  }

  async findContact({ ctx, authHeader, phoneNumber, overridingFormat, isExtension }: FindContactArgs): Promise<ContactMatch[]> {
    // The CRM keeps no extension numbers on contacts; asking would only earn a 400.
    if (isExtension) return [];
    const formats = [...(MANIFEST.phoneNumberFormats ?? []), ...overridingFormats(overridingFormat)];
    const found = new Map<string, ContactMatch>();
    for (const phone of phoneForms(phoneNumber, formats)) {
      const { contacts } = await this.call<{ contacts: CrmContactBody[] }>(ctx, authHeader, 'findContact', 'GET', '/contacts', {
        query: { phone },
      });
      for (const contact of contacts ?? []) {
        if (!found.has(contact.id)) found.set(contact.id, toContactMatch(contact));
      }
    }
    return [...found.values()];
  }

  override async createContact({ ctx, authHeader, phoneNumber, newContactName, newContactType, idempotencyKey }: CreateContactArgs): Promise<ContactMatch> {
    const contact = await this.call<CrmContactBody>(ctx, authHeader, 'createContact', 'POST', '/contacts', {
      body: { name: newContactName, phone: phoneNumber, ...(newContactType && { type: newContactType }) },
      headers: { 'Idempotency-Key': idempotencyKey },
    });
    if (!contact?.id) throw missingId('createContact');
    return toContactMatch(contact);
  }

  async createCallLog(args: CreateCallLogArgs): Promise<CreateCallLogResult> {
    const { ctx, authHeader, user, contactInfo, callLog, subject, composedLogDetails, rcExtensionId, idempotencyKey } = args;
    const body = {
      subject,
      body: composedLogDetails,
      ownerId: user.id,
      contactId: contactInfo.id || null,
      direction: callLog.direction,
      startTime: callLog.startTime,
      endTime: endTime(callLog.startTime, callLog.duration),
      duration: callLog.duration,
      result: callLog.result,
      externalId: `${callLog.telephonySessionId}:${rcExtensionId}`,
      recordingUrl: httpUrl(callLog.recording?.link),
    };
    try {
      const { activity } = await this.call<{ activity?: CrmActivityBody }>(ctx, authHeader, 'createCallLog', 'POST', '/activities', {
        body,
        headers: { 'Idempotency-Key': idempotencyKey },
      });
      if (!activity?.id) throw missingId('createCallLog');
      return { logId: activity.id };
    } catch (error) {
      // The key was already used with a different body: an earlier attempt created the activity (its response may
      // have been lost) and the content has changed since (a recording link arrived). That activity is the log.
      if (!(error instanceof ConnectorError) || error.crmError !== 'idempotency_key_reused') throw error;
      const existing = await this.findActivityByExternalId(ctx, authHeader, body.externalId);
      if (!existing) throw error;
      return { logId: existing.id };
    }
  }

  async updateCallLog(args: UpdateCallLogArgs): Promise<UpdateCallLogResult> {
    const { ctx, authHeader, thirdPartyLogId, callLog } = args;
    const duration = args.duration ?? callLog?.duration;
    const patch = dropUndefined({
      subject: args.subject,
      body: args.composedLogDetails,
      note: args.note,
      appendNote: args.appendNote,
      duration,
      result: args.result ?? callLog?.result,
      recordingUrl: httpUrl(args.recordingLink ?? callLog?.recording?.link) ?? undefined,
      endTime: callLog?.startTime !== undefined ? (endTime(callLog.startTime, duration) ?? undefined) : undefined,
    });
    // The CRM answers an empty PATCH with 400; nothing to change is not a failure.
    if (Object.keys(patch).length === 0) return {};
    const { activity } = await this.call<{ activity?: CrmActivityBody }>(
      ctx,
      authHeader,
      'updateCallLog',
      'PATCH',
      `/activities/${encodeURIComponent(thirdPartyLogId)}`,
      { body: patch, headers: { 'Idempotency-Key': args.idempotencyKey } },
    );
    return { updatedNote: activity?.note };
  }

  override async getCallLog({ ctx, authHeader, thirdPartyLogId }: GetCallLogArgs): Promise<CallLogInfo> {
    const { activity } = await this.call<{ activity?: CrmActivityBody }>(ctx, authHeader, 'getCallLog', 'GET', `/activities/${encodeURIComponent(thirdPartyLogId)}`);
    if (!activity) throw new ConnectorError('NOT_FOUND', 'sample-crm getCallLog: no such activity', { operation: 'getCallLog', connectorId: 'sample-crm' });
    return { subject: activity.subject, note: activity.note, fullBody: activity.body };
  }

  async getUserList({ ctx, authHeader }: GetUserListArgs): Promise<CrmUserSummary[]> {
    const { users } = await this.call<{ users: CrmUserSummary[] }>(ctx, authHeader, 'getUserList', 'GET', '/users');
    return (users ?? []).map((u) => ({ id: String(u.id), name: u.name, ...(u.email && { email: u.email }) }));
  }

  private async findActivityByExternalId(ctx: ConnectorContext, authHeader: string, externalId: string): Promise<CrmActivityBody | undefined> {
    const { activities } = await this.call<{ activities?: CrmActivityBody[] }>(ctx, authHeader, 'createCallLog', 'GET', '/activities', {
      query: { externalId },
    });
    return activities?.length === 1 ? activities[0] : undefined;
  }

  private async call<T>(
    ctx: ConnectorContext,
    authHeader: string,
    operation: string,
    method: HttpMethod,
    path: string,
    options: { query?: Record<string, string>; body?: unknown; headers?: Record<string, string | undefined> } = {},
  ): Promise<T> {
    const { baseUrl } = parseConfig(ctx.config);
    const res = await this.http.request<T>({
      connectorId: this.id,
      operation,
      method,
      url: `${baseUrl}${path}`,
      query: options.query,
      headers: { ...options.headers, Authorization: authHeader },
      body: options.body,
      signal: ctx.signal,
    });
    return (res.body ?? {}) as T;
  }
}

function parseConfig(config: unknown): SampleCrmConfig {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ConnectorConfigError('config', 'must be an object like {"baseUrl": "https://crm.example.com/api"}');
  }
  const { baseUrl } = config as Record<string, unknown>;
  if (typeof baseUrl !== 'string' || baseUrl.trim() === '') throw new ConnectorConfigError('baseUrl', 'is required');
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    throw new ConnectorConfigError('baseUrl', 'must be an http or https URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConnectorConfigError('baseUrl', 'must be an http or https URL');
  }
  if (url.username || url.password) {
    throw new ConnectorConfigError('baseUrl', 'must not contain credentials; the API key belongs in the server-logging settings');
  }
  if (url.search || url.hash) throw new ConnectorConfigError('baseUrl', 'must not have a query or fragment');
  return { baseUrl: url.href.replace(/\/+$/, '') };
}

function toContactMatch(c: CrmContactBody): ContactMatch {
  return {
    id: String(c.id),
    name: c.name,
    ...(c.phones?.[0] !== undefined && { phone: c.phones[0] }),
    ...(c.type && { type: c.type }),
    ...(c.createdAt && { createdDate: c.createdAt }),
    ...(c.lastActivityAt && { mostRecentActivityDate: c.lastActivityAt }),
  };
}

function endTime(startTime: string, duration: number | undefined): string | null {
  const start = Date.parse(startTime);
  if (!Number.isFinite(start) || typeof duration !== 'number' || !Number.isFinite(duration)) return null;
  return new Date(start + duration * 1000).toISOString();
}

/** The CRM accepts only http(s) recording links; anything else (empty, a pending marker) is left out. */
function httpUrl(link: string | undefined): string | null {
  return link && /^https?:\/\/\S+$/i.test(link) ? link : null;
}

function dropUndefined<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function missingId(operation: string): ConnectorError {
  return new ConnectorError('UNKNOWN', `sample-crm ${operation}: the CRM's answer had no id`, { operation, connectorId: 'sample-crm' });
}
