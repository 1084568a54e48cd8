import { Inject, Injectable, Optional } from '@nestjs/common';
import { blockedCause, OutboundGuard } from '../common/net/outbound-guard';
import { AnswerTooLargeError, readCapped } from '../common/net/read-capped';
import { ConnectorError, classifyHttpFailure, classifyNetworkFailure } from './connector.error';

export const DEFAULT_CONNECTOR_TIMEOUT_MS = 10_000;
/** RFC 9110 token and field-value (visible ASCII, space and tab; obs-text refused). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;
const HEADER_VALUE = /^[\t\x20-\x7e]{0,8192}$/;
/** A CRM answer larger than this is a broken or hostile server, not a page of contacts. */
export const MAX_CONNECTOR_ANSWER_BYTES = 5 * 1024 * 1024;

export interface HttpConnectorClientOptions {
  /** Per-request timeout unless the request says otherwise (default 10 s). */
  defaultTimeoutMs?: number;
  /** Called once per request sent, before it goes out (metrics). Must not throw; if it does, it is ignored. */
  onRequest?(connectorId: string, operation: string): void;
}

/**
 * Provide this token (e.g. from a global metrics module) to set HttpConnectorClient's options; without it the
 * defaults apply.
 */
export const CONNECTOR_HTTP_OPTIONS = Symbol('CONNECTOR_HTTP_OPTIONS');

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ConnectorRequest {
  connectorId: string;
  /** Contract method (or CRM call) this request serves; names the request in errors and metrics. */
  operation: string;
  method: HttpMethod;
  /** Absolute URL. */
  url: string;
  /** Added to the URL, encoded; undefined values are left out. */
  query?: Record<string, string | undefined>;
  /** Undefined values are left out. */
  headers?: Record<string, string | undefined>;
  /** Sent as JSON when defined. */
  body?: unknown;
  timeoutMs?: number;
  /** The caller's cancellation (ConnectorContext.signal). */
  signal?: AbortSignal;
}

export interface ConnectorResponse<T> {
  status: number;
  headers: Headers;
  /** Parsed JSON; undefined for an empty body. */
  body: T;
}

/**
 * JSON over fetch for connectors: a timeout on every request (combined with the caller's signal), JSON in and out,
 * and every failure turned into a ConnectorError by classifyHttpFailure / classifyNetworkFailure. Holds no
 * per-account state; credentials come in the request's headers.
 */
@Injectable()
export class HttpConnectorClient {
  private readonly defaultTimeoutMs: number;
  private readonly onRequest?: (connectorId: string, operation: string) => void;

  private readonly outbound: OutboundGuard;

  /** Without an OutboundGuard (a connector built by hand), only public addresses are reachable. */
  constructor(@Optional() @Inject(CONNECTOR_HTTP_OPTIONS) options?: HttpConnectorClientOptions, @Optional() outbound?: OutboundGuard) {
    this.defaultTimeoutMs = options?.defaultTimeoutMs ?? DEFAULT_CONNECTOR_TIMEOUT_MS;
    this.onRequest = options?.onRequest?.bind(options);
    this.outbound = outbound ?? new OutboundGuard({ allowPrivate: false, allowHosts: [] });
  }

  async request<T = unknown>(req: ConnectorRequest): Promise<ConnectorResponse<T>> {
    const { connectorId, operation } = req;
    const url = new URL(req.url);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.append(key, value);
    }
    const headers: Record<string, string> = { Accept: 'application/json' };
    for (const [key, value] of Object.entries(req.headers ?? {})) {
      if (value !== undefined) headers[key] = value;
    }
    if (req.body !== undefined) headers['Content-Type'] = 'application/json';
    // A header filled from a template or a credential may hold what HTTP cannot carry (CR, LF, NUL, non-Latin-1):
    // refused here with its name, rather than as fetch's TypeError.
    for (const [key, value] of Object.entries(headers)) {
      if (!HEADER_NAME.test(key) || !HEADER_VALUE.test(value)) {
        throw new ConnectorError('VALIDATION', `${connectorId} ${operation}: header ${HEADER_NAME.test(key) ? key : '(invalid name)'} holds characters an HTTP header cannot carry`, { operation, connectorId });
      }
    }
    const timeout = AbortSignal.timeout(req.timeoutMs ?? this.defaultTimeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;

    this.count(connectorId, operation);
    let status: number;
    let responseHeaders: Headers;
    let text: string;
    try {
      // Through the outbound guard: every connection (redirects included) goes only to an allowed, pinned address.
      const res = await this.outbound.fetch(url, {
        method: req.method,
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal,
      });
      status = res.status;
      responseHeaders = res.headers as unknown as Headers;
      // The body is read under the same signal, so a CRM that stalls mid-body also times out.
      text = await readCapped(res, MAX_CONNECTOR_ANSWER_BYTES);
    } catch (error) {
      const blocked = blockedCause(error);
      if (blocked) throw new ConnectorError('VALIDATION', `${connectorId} ${operation}: ${blocked.message}`, { operation, connectorId, cause: error });
      if (error instanceof AnswerTooLargeError) {
        throw new ConnectorError('UNKNOWN', `${connectorId} ${operation}: the CRM answered with more than ${MAX_CONNECTOR_ANSWER_BYTES} bytes`, { operation, connectorId });
      }
      throw classifyNetworkFailure(operation, error, { connectorId });
    }
    if (status < 200 || status > 299) {
      throw classifyHttpFailure(operation, status, responseHeaders, text, { connectorId });
    }
    return { status, headers: responseHeaders, body: parseJson<T>(text, operation, connectorId, status) };
  }

  private count(connectorId: string, operation: string): void {
    try {
      this.onRequest?.(connectorId, operation);
    } catch {
      // Metrics must never fail a CRM call.
    }
  }
}

function parseJson<T>(text: string, operation: string, connectorId: string, status: number): T {
  if (text.trim() === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ConnectorError('UNKNOWN', `${connectorId} ${operation}: the CRM answered HTTP ${status} with a body that is not JSON`, {
      operation,
      connectorId,
      status,
    });
  }
}
