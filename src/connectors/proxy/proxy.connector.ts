import { Injectable } from '@nestjs/common';
import { ConnectorConfigError } from '../connector-config.error';
import { ConnectorError } from '../connector.error';
import {
  CrmConnector,
  type AdditionalField,
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
  type GetLicenseStatusArgs,
  type GetUserListArgs,
  type LicenseStatus,
  type UpdateCallLogArgs,
  type UpdateCallLogResult,
} from '../crm-connector';
import { HttpConnectorClient, type HttpMethod } from '../http-connector.client';
import type { ProxyAuthConfig, ProxyConfig, ProxyOperation, ProxyOperationName, ProxyResponseMapping } from './proxy-config.types';
import { parseProxyConfig, SUPPORTED_OPERATIONS } from './proxy-config.validation';
import {
  baseContext,
  createCallLogContext,
  createContactContext,
  findContactContext,
  isContextVariable,
  updateCallLogContext,
} from './proxy-context';
import { getByPath, renderDeep, renderString, stringifyValue, templateRoots, type TemplateContext } from './proxy-template';

const CONNECTOR_ID = 'proxy';

/**
 * App Connect's declarative "proxy" connector: the account's connector config is a proxy document
 * (`{meta, auth, requestDefaults, operations}`, proxy-format.md) that turns each operation into one HTTP request
 * and maps the JSON answer back with dot paths. Stateless: the document is parsed from `ctx.config` on every call.
 */
@Injectable()
export class ProxyConnector extends CrmConnector {
  readonly id = CONNECTOR_ID;

  constructor(private readonly http: HttpConnectorClient) {
    super();
  }

  /**
   * From the document: name and displayName from meta, logFormat = meta.logFormat, the settings fields from
   * meta.serverSideLogging.additionalFields or else derived from the templates (see proxyAdditionalFields), user
   * mapping when there is a getUserList operation. A document that does not validate gets a bare manifest;
   * validateConfig (and every call) reports what is wrong with it.
   */
  manifest(config: ConnectorConfig): ConnectorManifest {
    let doc: ProxyConfig;
    try {
      doc = parseProxyConfig(config);
    } catch {
      return {
        name: CONNECTOR_ID,
        displayName: 'Proxy connector',
        logFormat: 'text/plain',
        serverSideLogging: { additionalFields: [], enableUserMapping: false },
      };
    }
    const name = doc.meta.name?.trim() || CONNECTOR_ID;
    return {
      name,
      displayName: doc.meta.displayName?.trim() || doc.meta.name?.trim() || 'Proxy connector',
      logFormat: doc.meta.logFormat,
      serverSideLogging: { additionalFields: proxyAdditionalFields(doc), enableUserMapping: doc.operations.getUserList !== undefined },
      ...(doc.meta.phoneNumberFormats?.length && { phoneNumberFormats: [...doc.meta.phoneNumberFormats] }),
    };
  }

  validateConfig(config: unknown): void {
    parseProxyConfig(config);
  }

  /** The default auth header (`auth` of the document) from the settings; see authHeaderValue. */
  getAuthHeader(ctx: ConnectorContext, settings: Record<string, string>): string {
    const doc = parseProxyConfig(ctx.config);
    return authHeaderValue(doc.auth ?? {}, baseContext(ctx, settings), settings, 'auth');
  }

  async findContact(args: FindContactArgs): Promise<ContactMatch[]> {
    const { ctx, authHeader } = args;
    const doc = parseProxyConfig(ctx.config);
    const context = findContactContext(baseContext(ctx, ctx.serverLoggingSettings, authHeader), args);
    const body = await this.send(doc, 'findContact', ctx, authHeader, context);
    return mapContacts(doc.operations.findContact!.responseMapping!, body, 'operations.findContact.responseMapping');
  }

  /**
   * Needs `operations.createContact`; without one this is a VALIDATION error for this call only (the method exists
   * on every proxy account, whatever its document says).
   */
  override async createContact(args: CreateContactArgs): Promise<ContactMatch> {
    const { ctx, authHeader } = args;
    const doc = parseProxyConfig(ctx.config);
    if (!doc.operations.createContact) {
      throw new ConnectorError('VALIDATION', 'proxy createContact: the proxy config has no operations.createContact', {
        operation: 'createContact',
        connectorId: CONNECTOR_ID,
      });
    }
    const context = createContactContext(baseContext(ctx, ctx.serverLoggingSettings, authHeader), args);
    const body = await this.send(doc, 'createContact', ctx, authHeader, context);
    const map = doc.operations.createContact.responseMapping ?? {};
    const answer = { body };
    const id = getByPath(answer, map.idPath || 'body.id');
    if (!present(id)) throw missingInAnswer('operations.createContact.responseMapping.idPath', map.idPath || 'body.id');
    return {
      id: String(id),
      name: text(getByPath(answer, map.namePath || 'body.name')) ?? args.newContactName,
      phone: args.phoneNumber,
      type: text(getByPath(answer, map.typePath || 'body.type')) ?? args.newContactType ?? 'Contact',
    };
  }

  async createCallLog(args: CreateCallLogArgs): Promise<CreateCallLogResult> {
    const { ctx, authHeader } = args;
    const doc = parseProxyConfig(ctx.config);
    const context = createCallLogContext(baseContext(ctx, ctx.serverLoggingSettings, authHeader), args);
    const body = await this.send(doc, 'createCallLog', ctx, authHeader, context);
    const idPath = doc.operations.createCallLog!.responseMapping!.idPath!;
    const logId = getByPath({ body }, idPath);
    if (!present(logId)) throw missingInAnswer('operations.createCallLog.responseMapping.idPath', idPath);
    return { logId: String(logId) };
  }

  async updateCallLog(args: UpdateCallLogArgs): Promise<UpdateCallLogResult> {
    const { ctx, authHeader } = args;
    const doc = parseProxyConfig(ctx.config);
    const context = updateCallLogContext(baseContext(ctx, ctx.serverLoggingSettings, authHeader), args);
    await this.send(doc, 'updateCallLog', ctx, authHeader, context);
    return {};
  }

  /**
   * With a getCallLog operation (its responseMapping names subjectPath, notePath and fullBodyPath, as App Connect's);
   * undefined without one.
   */
  override async getCallLog(args: GetCallLogArgs): Promise<CallLogInfo | undefined> {
    const { ctx, authHeader, thirdPartyLogId } = args;
    const doc = parseProxyConfig(ctx.config);
    const op = doc.operations.getCallLog;
    if (!op) return undefined;
    const context = { ...baseContext(ctx, ctx.serverLoggingSettings, authHeader), thirdPartyLogId, existingCallLog: { thirdPartyLogId } };
    const answer = { body: await this.send(doc, 'getCallLog', ctx, authHeader, context) };
    const map = op.responseMapping ?? {};
    const at = (key: string, fallback: string) => text(getByPath(answer, typeof map[key] === 'string' && map[key] ? (map[key] as string) : fallback));
    return { subject: at('subjectPath', 'body.subject'), note: at('notePath', 'body.note'), fullBody: at('fullBodyPath', 'body.fullBody') };
  }

  /** `[]` without a getUserList operation (as App Connect); the manifest then says enableUserMapping: false. */
  async getUserList({ ctx, authHeader }: GetUserListArgs): Promise<CrmUserSummary[]> {
    const doc = parseProxyConfig(ctx.config);
    const op = doc.operations.getUserList;
    if (!op) return [];
    const context = { ...baseContext(ctx, ctx.serverLoggingSettings, authHeader), user: {} };
    const body = await this.send(doc, 'getUserList', ctx, authHeader, context);
    const map = op.responseMapping!;
    const users: CrmUserSummary[] = [];
    for (const item of list(body, map.listPath!, 'operations.getUserList.responseMapping.listPath')) {
      const id = getByPath(item, map.idPath || 'id');
      if (!present(id)) continue;
      const email = text(getByPath(item, map.emailPath || 'email'));
      users.push({ id: String(id), name: text(getByPath(item, map.namePath || 'name')) ?? '', ...(email && { email }) });
    }
    return users;
  }

  /** Without a getLicenseStatus operation the licence is valid ("Basic"), as App Connect's proxy answers. */
  override async getLicenseStatus({ ctx, authHeader }: GetLicenseStatusArgs): Promise<LicenseStatus> {
    const doc = parseProxyConfig(ctx.config);
    const op = doc.operations.getLicenseStatus;
    if (!op) return { isLicenseValid: true, licenseStatus: 'Basic', licenseStatusDescription: '' };
    const context = { ...baseContext(ctx, ctx.serverLoggingSettings, authHeader), user: {} };
    const body = await this.send(doc, 'getLicenseStatus', ctx, authHeader, context);
    const map = op.responseMapping ?? {};
    const answer = { body };
    const valid = getByPath(answer, map.isLicenseValidPath || 'body.isLicenseValid');
    return {
      isLicenseValid: valid === true || valid === 'true',
      licenseStatus: stringifyValue(getByPath(answer, map.licenseStatusPath || 'body.licenseStatus')),
      licenseStatusDescription: stringifyValue(getByPath(answer, map.licenseStatusDescriptionPath || 'body.licenseStatusDescription')),
    };
  }

  /** Renders one operation into a request, sends it and returns the parsed JSON answer. */
  private async send(
    doc: ProxyConfig,
    name: ProxyOperationName,
    ctx: ConnectorContext,
    authHeader: string,
    context: TemplateContext,
  ): Promise<unknown> {
    const op = doc.operations[name]!;
    const path = `operations.${name}`;
    const method = (op.method ?? 'GET').toUpperCase() as HttpMethod;
    const url = operationUrl(doc, op, context, path);

    const headers = new HeaderBag();
    headers.addAll(renderDeep(doc.requestDefaults?.defaultHeaders ?? {}, context));
    headers.addAll(renderDeep(op.headers ?? {}, context));
    const auth = op.auth ?? doc.auth;
    const authValue = op.auth ? authHeaderValue(op.auth, context, ctx.serverLoggingSettings, `${path}.auth`) : authHeader;
    if (authValue) headers.set(auth?.headerName || 'Authorization', authValue);

    const query: Record<string, string | undefined> = {};
    for (const [key, value] of Object.entries((renderDeep(op.query ?? {}, context) ?? {}) as Record<string, unknown>)) {
      if (value !== undefined && value !== null) query[key] = Array.isArray(value) ? value.map(stringifyValue).join(',') : stringifyValue(value);
    }
    // fetch refuses a body on GET; App Connect's axios drops it there too.
    const body = op.body === undefined || method === 'GET' ? undefined : renderDeep(op.body, context);
    const timeoutSeconds = doc.requestDefaults?.timeoutSeconds;

    const res = await this.http.request({
      connectorId: CONNECTOR_ID,
      operation: name,
      method,
      url,
      query,
      headers: headers.toRecord(),
      body,
      ...(timeoutSeconds !== undefined && { timeoutMs: timeoutSeconds * 1000 }),
      signal: ctx.signal,
    });
    return res.body;
  }
}

/**
 * The settings fields an admin must fill in for this document:
 * - `meta.serverSideLogging.additionalFields` when the document lists them;
 * - otherwise every top-level template variable of the auth, request defaults and supported operations that is not
 *   a context variable (`{{apiKey}}`, `{{secretKey}}`, `{{apiUsername}}`...), required, `password` when the name
 *   says key/secret/password/token, else `inputField`;
 * - plus `apiKey` (or `accessToken` for `auth.type: oauth`) when an operation relies on an `auth` without a
 *   credentialTemplate, and `baseUrl` when `requestDefaults.baseUrl` is empty and an operation URL is relative.
 */
export function proxyAdditionalFields(doc: ProxyConfig): AdditionalField[] {
  const explicit = doc.meta.serverSideLogging?.additionalFields;
  if (explicit) return structuredClone(explicit);
  const operations = SUPPORTED_OPERATIONS.map((name) => doc.operations[name]).filter((op): op is ProxyOperation => op !== undefined);
  const names = templateRoots([doc.auth, doc.requestDefaults, operations]).filter((name) => !isContextVariable(name));
  if (operations.some((op) => !op.auth) && !doc.auth?.credentialTemplate) {
    const implicit = doc.auth?.type === 'oauth' ? 'accessToken' : 'apiKey';
    if (!names.includes(implicit)) names.push(implicit);
  }
  if (!doc.requestDefaults?.baseUrl && operations.some((op) => !ABSOLUTE.test(op.url) && !op.url.startsWith('{{')) && !names.includes('baseUrl')) {
    names.push('baseUrl');
  }
  return names.map(fieldFor);
}

const TITLES: Record<string, string> = {
  apiKey: 'API key',
  apiUsername: 'API username',
  apiPassword: 'API password',
  secretKey: 'Secret key',
  accessToken: 'Access token',
  baseUrl: 'API base URL',
};

function fieldFor(name: string): AdditionalField {
  const secret = /(key|secret|password|passwd|token|credential)/i.test(name);
  return {
    const: name,
    title: TITLES[name] ?? humanize(name),
    type: secret ? 'password' : 'inputField',
    required: true,
    ...(name === 'baseUrl' && {
      description: 'The CRM API address that the proxy config’s relative operation URLs are joined to, e.g. https://crm.example.com/api',
    }),
  };
}

function humanize(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .split(/\s+/)
    .map((word) => (/^(api|url|id|crm|sso)$/i.test(word) ? word.toUpperCase() : word.toLowerCase()));
  const sentence = words.join(' ');
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

/**
 * An auth header value from an `auth` block:
 * - `credentialTemplate` rendered from the context, base64-encoded unless `encode: none`, after `scheme`;
 * - no template, `type: oauth`: `<scheme or Bearer> <accessToken setting>`;
 * - no template, `type: apiKey` (default): `<scheme or Basic> base64(<apiKey setting>:)`, App Connect's getBasicAuth.
 * A setting the credential needs that is missing or blank is a ConnectorConfigError on `serverLoggingSettings.<name>`.
 */
export function authHeaderValue(auth: ProxyAuthConfig, context: TemplateContext, settings: Readonly<Record<string, string>>, path: string): string {
  const required = (name: string): string => {
    const value = settings[name];
    if (typeof value !== 'string' || value.trim() === '') {
      throw new ConnectorConfigError(`serverLoggingSettings.${name}`, `is not set; ${path} needs it`);
    }
    return value;
  };
  if (auth.credentialTemplate) {
    for (const name of templateRoots(auth.credentialTemplate)) if (!isContextVariable(name)) required(name);
    const credential = stringifyValue(renderString(auth.credentialTemplate, context));
    const token = auth.encode === 'none' ? credential : Buffer.from(credential, 'utf8').toString('base64');
    return auth.scheme ? `${auth.scheme} ${token}` : token;
  }
  if (auth.type === 'oauth') return `${auth.scheme || 'Bearer'} ${required('accessToken')}`;
  return `${auth.scheme || 'Basic'} ${Buffer.from(`${required('apiKey')}:`, 'utf8').toString('base64')}`;
}

/** A URL with a scheme (`https://`, `ftp://`): used as is, and refused below unless http(s). */
const ABSOLUTE = /^[a-z][a-z0-9+.-]*:\/\//i;

/** `base` and `path` with exactly one slash between them (an empty path is the base itself). */
export function joinUrl(base: string, path: string): string {
  if (!path) return base;
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/**
 * The operation's URL: rendered (values embedded in it percent-encoded, except one that starts it), kept when
 * absolute, else joined to the rendered requestDefaults.baseUrl, or to the `baseUrl` setting when that is empty.
 */
export function operationUrl(doc: ProxyConfig, op: ProxyOperation, context: TemplateContext, path: string): string {
  const rendered = stringifyValue(renderString(op.url, context, { encodeEmbedded: encodeURIComponent })).trim();
  let url = rendered;
  if (!ABSOLUTE.test(rendered)) {
    const configured = doc.requestDefaults?.baseUrl;
    const base = stringifyValue(renderString(configured || '{{baseUrl}}', context)).trim();
    if (!base) {
      throw configured
        ? new ConnectorConfigError('requestDefaults.baseUrl', `renders empty, and ${path}.url is relative`)
        : new ConnectorConfigError('serverLoggingSettings.baseUrl', `is not set, and requestDefaults.baseUrl is empty while ${path}.url is relative`);
    }
    url = joinUrl(base, rendered);
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new ConnectorConfigError(`${path}.url`, 'does not render to an http or https URL (check it and requestDefaults.baseUrl)');
  }
  return parsed.href;
}

function mapContacts(map: ProxyResponseMapping, body: unknown, path: string): ContactMatch[] {
  const item = map.item ?? {};
  const contacts: ContactMatch[] = [];
  for (const entry of list(body, map.listPath!, `${path}.listPath`)) {
    const id = getByPath(entry, item.idPath || 'id');
    if (!present(id)) continue;
    const phone = text(getByPath(entry, item.phonePath || 'phone'));
    const createdDate = isoDate(getByPath(entry, item.createdDatePath || 'createdDate'));
    const mostRecentActivityDate = isoDate(getByPath(entry, item.mostRecentActivityDatePath || 'mostRecentActivityDate'));
    const additionalInfo = getByPath(entry, item.additionalInfoPath || 'additionalInfo');
    contacts.push({
      id: String(id),
      name: text(getByPath(entry, item.namePath || 'name')) ?? '',
      type: text(getByPath(entry, item.typePath || 'type')) ?? 'Contact',
      ...(phone && { phone }),
      ...(createdDate && { createdDate }),
      ...(mostRecentActivityDate && { mostRecentActivityDate }),
      ...(additionalInfo !== null && typeof additionalInfo === 'object' && !Array.isArray(additionalInfo) && {
        additionalInfo: additionalInfo as Record<string, unknown>,
      }),
    });
  }
  return contacts;
}

/** The array at `listPath` in `{body}`; none there means an empty list, anything else there is a mapping error. */
function list(body: unknown, listPath: string, path: string): unknown[] {
  const value = getByPath({ body }, listPath);
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ConnectorConfigError(path, `the CRM's answer has no list at ${listPath}`);
  return value;
}

function missingInAnswer(path: string, dotPath: string): ConnectorConfigError {
  return new ConnectorConfigError(path, `the CRM's answer has no value at ${dotPath}`);
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * ISO 8601 from what CRMs send: ISO or other parseable text, or epoch seconds / milliseconds / microseconds /
 * nanoseconds (numbers or digit strings). Undefined when it is none of those.
 */
export function isoDate(value: unknown): string | undefined {
  let ms: number;
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()))) {
    const n = Number(value);
    ms = n < 1e11 ? n * 1000 : n < 1e14 ? n : n < 1e17 ? n / 1e3 : n / 1e6;
  } else if (typeof value === 'string' && value.trim() !== '') {
    ms = Date.parse(value);
  } else {
    return undefined;
  }
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** Headers by case-insensitive name: a later value replaces an earlier one, absent values are left out. */
class HeaderBag {
  private readonly byName = new Map<string, [string, string]>();

  addAll(rendered: unknown): void {
    for (const [name, value] of Object.entries((rendered ?? {}) as Record<string, unknown>)) {
      if (value !== undefined && value !== null) this.set(name, stringifyValue(value));
    }
  }

  set(name: string, value: string): void {
    const canonical = name.toLowerCase() === 'content-type' ? 'Content-Type' : name.toLowerCase() === 'accept' ? 'Accept' : name;
    this.byName.set(name.toLowerCase(), [canonical, value]);
  }

  toRecord(): Record<string, string> {
    return Object.fromEntries(this.byName.values());
  }
}
