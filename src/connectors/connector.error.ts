/**
 * What went wrong talking to a CRM, as a code the rest of the service can act on. Connectors throw these (or let
 * HttpConnectorClient throw them); ConnectorErrorPolicy alone decides what each code means for the call being
 * logged. Messages are for admins and logs: they name the operation, the HTTP status and the CRM's short error
 * code, never a credential, a URL with a phone number in it, or a response body.
 */
export type ConnectorErrorCode = 'RATE_LIMITED' | 'TEMPORARY' | 'AUTH_REVOKED' | 'VALIDATION' | 'NOT_FOUND' | 'UNKNOWN';

export interface ConnectorErrorDetails {
  /** The contract method or CRM call that failed, e.g. `createCallLog`. */
  operation: string;
  connectorId?: string;
  status?: number;
  /** Seconds the CRM asked us to wait (RATE_LIMITED only). */
  retryAfterSeconds?: number;
  /** The CRM's own short error code (`{"error": "..."}`), when it sent one. */
  crmError?: string;
  /** The request field the CRM blamed, when it said. */
  field?: string;
  cause?: unknown;
}

export class ConnectorError extends Error {
  readonly operation: string;
  readonly connectorId?: string;
  readonly status?: number;
  readonly retryAfterSeconds?: number;
  readonly crmError?: string;
  readonly field?: string;

  constructor(
    readonly code: ConnectorErrorCode,
    message: string,
    details: ConnectorErrorDetails,
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ConnectorError';
    this.operation = details.operation;
    this.connectorId = details.connectorId;
    this.status = details.status;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.crmError = details.crmError;
    this.field = details.field;
  }
}

/** Used when a 429 carries no usable Retry-After. */
export const DEFAULT_RETRY_AFTER_SECONDS = 30;

export type HeaderBag = Headers | Record<string, string | string[] | undefined>;

export interface ClassifyOptions {
  connectorId?: string;
  /** For HTTP-date Retry-After values; defaults to Date.now(). */
  nowMs?: number;
}

/** Maps a non-2xx CRM answer to a ConnectorError. The one place status codes get their meaning. */
export function classifyHttpFailure(
  operation: string,
  status: number,
  headers: HeaderBag,
  bodyText: string,
  options: ClassifyOptions = {},
): ConnectorError {
  const crm = summarizeErrorBody(bodyText);
  const base = { operation, connectorId: options.connectorId, status, crmError: crm.error, field: crm.field };
  const describe = (what: string): string =>
    `${prefix(operation, options.connectorId)}${what} (HTTP ${status}${crm.error ? ` ${crm.error}` : ''}${
      crm.field ? `, field ${crm.field}` : ''
    })${crm.message ? `: ${crm.message}` : ''}`;

  if (status === 429) {
    const retryAfterSeconds = parseRetryAfter(headerValue(headers, 'retry-after'), options.nowMs ?? Date.now()) ?? DEFAULT_RETRY_AFTER_SECONDS;
    return new ConnectorError('RATE_LIMITED', describe(`rate limited, retry after ${retryAfterSeconds} s`), {
      ...base,
      retryAfterSeconds,
    });
  }
  if (status === 401 || status === 403) {
    return new ConnectorError('AUTH_REVOKED', describe('the CRM rejected the credentials'), base);
  }
  if (status === 400 || status === 409 || status === 422) {
    return new ConnectorError('VALIDATION', describe('the CRM rejected the request'), base);
  }
  if (status === 404) return new ConnectorError('NOT_FOUND', describe('not found in the CRM'), base);
  if (status === 408 || (status >= 500 && status <= 599)) {
    return new ConnectorError('TEMPORARY', describe('the CRM is unavailable'), base);
  }
  return new ConnectorError('UNKNOWN', describe('unexpected answer from the CRM'), base);
}

const TEMPORARY_NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN',
  'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
]);

/**
 * Maps an error thrown before an HTTP status was known (fetch rejecting, a timeout, the caller aborting) to a
 * ConnectorError. A ConnectorError passes through unchanged. Timeouts, refused and reset connections are TEMPORARY;
 * so is an abort by the caller (the work was not done and can be done later). Anything else is UNKNOWN.
 */
export function classifyNetworkFailure(operation: string, error: unknown, options: ClassifyOptions = {}): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const base = { operation, connectorId: options.connectorId, cause: error };
  const p = prefix(operation, options.connectorId);
  const name = errorName(error);
  if (name === 'TimeoutError') return new ConnectorError('TEMPORARY', `${p}the CRM did not answer in time`, base);
  if (name === 'AbortError') return new ConnectorError('TEMPORARY', `${p}the request was aborted`, base);
  const code = networkCode(error);
  if (code && TEMPORARY_NETWORK_CODES.has(code)) {
    return new ConnectorError('TEMPORARY', `${p}network failure talking to the CRM (${code})`, base);
  }
  // fetch wraps every transport failure in `TypeError: fetch failed`; whatever the cause, the CRM was not reached.
  if (error instanceof TypeError && error.message === 'fetch failed') {
    return new ConnectorError('TEMPORARY', `${p}network failure talking to the CRM${code ? ` (${code})` : ''}`, base);
  }
  return new ConnectorError('UNKNOWN', `${p}unexpected failure${name ? ` (${name})` : ''}`, base);
}

/**
 * Retry-After as delay-seconds or an HTTP-date (RFC 9110 §10.2.3), in whole seconds rounded up so a retry never
 * lands inside the window; undefined when absent or unreadable. A date in the past means "now" (0).
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text));
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (!Number.isFinite(at)) return undefined;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}

function prefix(operation: string, connectorId: string | undefined): string {
  return `${connectorId ? `${connectorId} ` : ''}${operation}: `;
}

function headerValue(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const bag = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(bag).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : bag[key];
  return Array.isArray(value) ? value[0] : value;
}

const SHORT = 64;
const MESSAGE = 200;

/**
 * The CRM's short error code, blamed field and message from a JSON error body, each bounded and scrubbed. Never
 * the body itself: CRMs echo requests back, and ours carry phone numbers and sometimes keys.
 */
function summarizeErrorBody(bodyText: string): { error?: string; field?: string; message?: string } {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return {};
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  const record = body as Record<string, unknown>;
  const pick = (keys: string[], max: number): string | undefined => {
    for (const key of keys) {
      const value = record[key];
      if (typeof value === 'string' && value.trim()) return scrub(value.trim()).slice(0, max);
    }
    return undefined;
  };
  return {
    error: pick(['error', 'errorCode', 'code'], SHORT),
    field: pick(['field'], SHORT),
    message: pick(['message', 'error_description'], MESSAGE),
  };
}

/** Removes things that look like credentials from text that came from outside. */
export function scrub(text: string): string {
  return text
    .replace(/\b(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]')
    .replace(/\b(api[_-]?key|access[_-]?token|refresh[_-]?token|token|password|secret)(["']?\s*[:=]\s*["']?)[^\s"',;&]+/gi, '$1$2[redacted]');
}

function errorName(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string') {
    return (error as { name: string }).name;
  }
  return undefined;
}

/** The errno-style code of an error or its cause chain (undici puts it on `cause`). */
function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
