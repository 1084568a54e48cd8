import { Inject, Injectable, Optional } from '@nestjs/common';
import { ConnectorError, classifyHttpFailure, classifyNetworkFailure } from './connector.error';

export const DEFAULT_CONNECTOR_TIMEOUT_MS = 10_000;

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

  constructor(@Optional() @Inject(CONNECTOR_HTTP_OPTIONS) options?: HttpConnectorClientOptions) {
    this.defaultTimeoutMs = options?.defaultTimeoutMs ?? DEFAULT_CONNECTOR_TIMEOUT_MS;
    this.onRequest = options?.onRequest?.bind(options);
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
    const timeout = AbortSignal.timeout(req.timeoutMs ?? this.defaultTimeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;

    this.count(connectorId, operation);
    let status: number;
    let responseHeaders: Headers;
    let text: string;
    try {
      const res = await fetch(url, {
        method: req.method,
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal,
      });
      status = res.status;
      responseHeaders = res.headers;
      // The body is read under the same signal, so a CRM that stalls mid-body also times out.
      text = await res.text();
    } catch (error) {
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
