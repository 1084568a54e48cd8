import { ConnectorConfigError } from '../connector-config.error';
import type { AdditionalField, LogFormat } from '../crm-connector';
import { phoneForms } from '../phone-forms';
import type { ProxyAuthConfig, ProxyConfig } from './proxy-config.types';
import { isDotPath, templateProblem } from './proxy-template';

// Hand-written rather than a JSON schema: every refusal names the exact dot path of the offending value
// (`operations.createCallLog.responseMapping.idPath`) and says what is wrong with it in the admin's terms.

export const LOG_FORMATS: readonly LogFormat[] = ['text/plain', 'text/html', 'text/markdown'];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;
/** What an HTTP header value may hold (RFC 9110 field-value without obs-text): no NUL, CR, LF, emoji or other non-ASCII. */
const HEADER_VALUE = /^[\t\x20-\x7e]*$/;
const MAX_HEADER_VALUE = 8192;

/** A header value (template text included) that HTTP can carry, or a refusal naming `path`. */
function headerValue(value: string, path: string): void {
  if (value.length > MAX_HEADER_VALUE) fail(path, `must be at most ${MAX_HEADER_VALUE} characters`);
  if (!HEADER_VALUE.test(value)) fail(path, 'may hold only visible ASCII characters, spaces and tabs (no control characters such as CR, LF or NUL, no emoji)');
}
const MAX_TIMEOUT_SECONDS = 300;

/** Operations the service runs, with the mapping paths each one needs (non-empty) and may have. */
const OPERATIONS: Record<string, { required: boolean; mappingRequired: string[]; itemRequired?: string[] }> = {
  findContact: { required: true, mappingRequired: ['listPath'], itemRequired: ['idPath'] },
  createCallLog: { required: true, mappingRequired: ['idPath'] },
  updateCallLog: { required: true, mappingRequired: [] },
  createContact: { required: false, mappingRequired: [] },
  getCallLog: { required: false, mappingRequired: [] },
  getUserList: { required: false, mappingRequired: ['listPath'] },
  getLicenseStatus: { required: false, mappingRequired: [] },
};

type Json = Record<string, unknown>;

const fail = (path: string, message: string): never => {
  throw new ConnectorConfigError(path, message);
};

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function object(value: unknown, path: string, required: boolean): Json | undefined {
  if (value === undefined && !required) return undefined;
  if (!isObject(value)) return fail(path, required && value === undefined ? 'is required' : 'must be an object');
  return value;
}

function optionalString(value: unknown, path: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return fail(path, 'must be a string');
  return value;
}

/** Every string inside `value` must have well-formed templates; the path of a bad one is reported. */
function checkTemplates(value: unknown, path: string): void {
  if (typeof value === 'string') {
    const problem = templateProblem(value);
    if (problem) fail(path, problem);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => checkTemplates(item, `${path}.${index}`));
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) checkTemplates(item, `${path}.${key}`);
  }
}

function stringMap(value: unknown, path: string): void {
  const map = object(value, path, false);
  if (!map) return;
  for (const [key, item] of Object.entries(map)) {
    if (!HEADER_NAME.test(key)) fail(`${path}.${key}`, 'is not a valid HTTP header name');
    if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') {
      fail(`${path}.${key}`, 'must be a string (a header value, templates allowed)');
    }
    headerValue(String(item), `${path}.${key}`);
  }
  checkTemplates(map, path);
}

function dotPath(value: unknown, path: string, required: boolean): void {
  if (value === undefined || value === '') {
    if (required) fail(path, 'is required: a dot path into the answer, like body.items or id');
    return;
  }
  if (typeof value !== 'string') return fail(path, 'must be a dot path string, like body.items.0.id');
  if (value.includes('{{') || value.includes('}}')) fail(path, 'must be a plain dot path; templates are not allowed in response mappings');
  if (!isDotPath(value)) fail(path, `"${value}" is not a dot path (segments separated by single dots, no spaces)`);
}

function auth(value: unknown, path: string): void {
  const config = object(value, path, false) as ProxyAuthConfig | undefined;
  if (!config) return;
  if (config.type !== undefined && config.type !== 'apiKey' && config.type !== 'oauth') fail(`${path}.type`, 'must be "apiKey" or "oauth"');
  const scheme = optionalString(config.scheme, `${path}.scheme`);
  if (scheme !== undefined) headerValue(scheme, `${path}.scheme`);
  if (config.headerName !== undefined && (typeof config.headerName !== 'string' || !HEADER_NAME.test(config.headerName))) {
    fail(`${path}.headerName`, 'must be a valid HTTP header name');
  }
  if (optionalString(config.credentialTemplate, `${path}.credentialTemplate`) !== undefined) {
    headerValue(config.credentialTemplate!, `${path}.credentialTemplate`);
    checkTemplates(config.credentialTemplate, `${path}.credentialTemplate`);
  }
  if (config.encode !== undefined && config.encode !== 'base64' && config.encode !== 'none') fail(`${path}.encode`, 'must be "base64" or "none"');
}

function absoluteUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function responseMapping(value: unknown, path: string, spec: { mappingRequired: string[]; itemRequired?: string[] }): void {
  const mapping = object(value, path, spec.mappingRequired.length > 0 || (spec.itemRequired?.length ?? 0) > 0);
  if (!mapping) return;
  for (const [key, item] of Object.entries(mapping)) {
    if (key.endsWith('Path')) dotPath(item, `${path}.${key}`, spec.mappingRequired.includes(key));
    if (key === 'platformAdditionalInfoPaths') {
      const paths = object(item, `${path}.${key}`, false) ?? {};
      for (const [name, p] of Object.entries(paths)) dotPath(p, `${path}.${key}.${name}`, true);
    }
  }
  for (const key of spec.mappingRequired) if (!(key in mapping)) dotPath(undefined, `${path}.${key}`, true);
  if (spec.itemRequired || mapping.item !== undefined) {
    const item = object(mapping.item, `${path}.item`, Boolean(spec.itemRequired));
    for (const [key, p] of Object.entries(item ?? {})) {
      if (key.endsWith('Path')) dotPath(p, `${path}.item.${key}`, spec.itemRequired?.includes(key) ?? false);
    }
    for (const key of spec.itemRequired ?? []) if (!(key in (item ?? {}))) dotPath(undefined, `${path}.item.${key}`, true);
  }
}

function operation(value: unknown, path: string, spec?: (typeof OPERATIONS)[string]): void {
  const op = object(value, path, true)!;
  if (op.method !== undefined && (typeof op.method !== 'string' || !METHODS.includes(op.method.toUpperCase()))) {
    fail(`${path}.method`, `must be one of ${METHODS.join(', ')}`);
  }
  if (typeof op.url !== 'string' || op.url.trim() === '') fail(`${path}.url`, 'is required: an absolute URL or a path joined to requestDefaults.baseUrl');
  checkTemplates(op.url, `${path}.url`);
  stringMap(op.headers, `${path}.headers`);
  const query = object(op.query, `${path}.query`, false);
  if (query) checkTemplates(query, `${path}.query`);
  checkTemplates(op.body, `${path}.body`);
  auth(op.auth, `${path}.auth`);
  if (spec) responseMapping(op.responseMapping, `${path}.responseMapping`, spec);
  else if (op.responseMapping !== undefined) object(op.responseMapping, `${path}.responseMapping`, false);
}

/** Checks a list of manifest additionalFields (const, title, type, required, description?, uiSchema?). */
export function checkAdditionalFields(value: unknown, path: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) return fail(path, 'must be a list of fields like {"const": "apiKey", "title": "API key", "type": "password", "required": true}');
  const seen = new Set<string>();
  value.forEach((field: unknown, index) => {
    const at = `${path}.${index}`;
    const f = object(field, at, true) as Partial<AdditionalField>;
    if (typeof f.const !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(f.const)) fail(`${at}.const`, 'must be a name like apiKey');
    if (seen.has(f.const!)) fail(`${at}.const`, `"${f.const}" is listed twice`);
    seen.add(f.const!);
    if (typeof f.title !== 'string' || f.title.trim() === '') fail(`${at}.title`, 'is required');
    if (typeof f.type !== 'string' || f.type === '') fail(`${at}.type`, 'is required (inputField, password, selection, checkbox)');
    if (typeof f.required !== 'boolean') fail(`${at}.required`, 'must be true or false');
    optionalString(f.description, `${at}.description`);
    object(f.uiSchema, `${at}.uiSchema`, false);
  });
}

/**
 * Checks a whole proxy document and returns it typed. Throws ConnectorConfigError naming the first problem by its
 * dot path. Required: meta.logFormat, operations.findContact (responseMapping.listPath, item.idPath),
 * operations.createCallLog (responseMapping.idPath), operations.updateCallLog.
 */
export function parseProxyConfig(config: unknown): ProxyConfig {
  const doc = object(config, 'config', true)!;

  const meta = object(doc.meta, 'meta', true)!;
  optionalString(meta.name, 'meta.name');
  optionalString(meta.displayName, 'meta.displayName');
  if (meta.logFormat === undefined) fail('meta.logFormat', `is required: one of ${LOG_FORMATS.join(', ')}`);
  if (!LOG_FORMATS.includes(meta.logFormat as LogFormat)) fail('meta.logFormat', `must be one of ${LOG_FORMATS.join(', ')}`);
  if (meta.phoneNumberFormats !== undefined) {
    if (!Array.isArray(meta.phoneNumberFormats) || meta.phoneNumberFormats.some((f) => typeof f !== 'string')) {
      fail('meta.phoneNumberFormats', 'must be a list of format names or masks');
    }
    try {
      phoneForms('+16505550101', meta.phoneNumberFormats as string[]);
    } catch (error) {
      fail('meta.phoneNumberFormats', (error as Error).message);
    }
  }
  const ssl = object(meta.serverSideLogging, 'meta.serverSideLogging', false);
  if (ssl) checkAdditionalFields(ssl.additionalFields, 'meta.serverSideLogging.additionalFields');

  auth(doc.auth, 'auth');

  const defaults = object(doc.requestDefaults, 'requestDefaults', false);
  if (defaults) {
    const baseUrl = optionalString(defaults.baseUrl, 'requestDefaults.baseUrl');
    if (baseUrl) {
      checkTemplates(baseUrl, 'requestDefaults.baseUrl');
      if (!baseUrl.includes('{{') && !absoluteUrl(baseUrl)) fail('requestDefaults.baseUrl', 'must be an http or https URL (or a template like {{baseUrl}})');
    }
    const timeout = defaults.timeoutSeconds;
    if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0 || timeout > MAX_TIMEOUT_SECONDS)) {
      fail('requestDefaults.timeoutSeconds', `must be a number of seconds between 0 and ${MAX_TIMEOUT_SECONDS}`);
    }
    stringMap(defaults.defaultHeaders, 'requestDefaults.defaultHeaders');
  }

  const operations = object(doc.operations, 'operations', true)!;
  for (const [name, spec] of Object.entries(OPERATIONS)) {
    if (spec.required && operations[name] === undefined) fail(`operations.${name}`, 'is required');
  }
  for (const [name, value] of Object.entries(operations)) operation(value, `operations.${name}`, Object.hasOwn(OPERATIONS, name) ? OPERATIONS[name] : undefined);

  return doc as ProxyConfig;
}

/** Operations the service runs (others in a document are kept but never called). */
export const SUPPORTED_OPERATIONS = Object.keys(OPERATIONS);
