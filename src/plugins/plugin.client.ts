import { Injectable, Optional } from '@nestjs/common';
import { blockedCause, OutboundGuard } from '../common/net/outbound-guard';
import { readCapped } from '../common/net/read-capped';
import { PluginCallError } from './plugin-call.error';

/** The header App Connect plugins rotate their bearer token with (the template sets it when 7 days or less remain). */
export const REFRESHED_TOKEN_HEADER = 'x-refreshed-jwt-token';
/** Plugin answers are payloads of one call; anything bigger is a broken plugin, not a payload. */
const MAX_ANSWER_BYTES = 1024 * 1024;

export interface PluginRequest {
  method: 'GET' | 'POST';
  url: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  body?: unknown;
  timeoutMs: number;
  /** For messages: `sync`, `token-sync`, `register`, ... */
  operation: string;
}

export interface PluginResponse {
  status: number;
  /** Parsed JSON; undefined for an empty body. */
  body: unknown;
  /** False when the body was not JSON (then `body` is the text). */
  json: boolean;
  refreshedToken?: string;
}

/**
 * HTTP to plugin servers: one request under a timeout, no redirects (a bearer token must not follow one to another
 * host), a non-2xx answer thrown as PluginCallError with the rotated token it may carry.
 */
@Injectable()
export class PluginClient {
  private readonly outbound: OutboundGuard;

  /** Without an OutboundGuard (built by hand), only public addresses are reachable. */
  constructor(@Optional() outbound?: OutboundGuard) {
    this.outbound = outbound ?? new OutboundGuard({ allowPrivate: false, allowHosts: [] });
  }

  async request(req: PluginRequest): Promise<PluginResponse> {
    let res: Awaited<ReturnType<OutboundGuard['fetch']>>;
    try {
      // Through the outbound guard: the connection goes only to an allowed, pinned address.
      res = await this.outbound.fetch(req.url, {
        method: req.method,
        redirect: 'manual',
        headers: {
          Accept: 'application/json, text/plain;q=0.9',
          ...(req.token !== undefined && { Authorization: `Bearer ${req.token}` }),
          ...(req.body !== undefined && { 'Content-Type': 'application/json' }),
        },
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: AbortSignal.timeout(req.timeoutMs),
      });
    } catch (error) {
      const name = (error as Error)?.name;
      if (name === 'TimeoutError' || name === 'AbortError') throw new PluginCallError('timeout', `${req.operation}: no answer within ${req.timeoutMs} ms`);
      const blocked = blockedCause(error);
      if (blocked) throw new PluginCallError('network', `${req.operation}: ${blocked.message}`);
      throw new PluginCallError('network', `${req.operation}: could not reach the plugin`);
    }
    const refreshedToken = res.headers.get(REFRESHED_TOKEN_HEADER)?.trim() || undefined;
    let text: string;
    try {
      text = await readCapped(res, MAX_ANSWER_BYTES);
    } catch (error) {
      if ((error as Error)?.name === 'TimeoutError') throw new PluginCallError('timeout', `${req.operation}: the answer did not arrive within ${req.timeoutMs} ms`, res.status, refreshedToken);
      throw new PluginCallError('bad-response', `${req.operation}: ${(error as Error).message}`, res.status, refreshedToken);
    }
    if (res.status < 200 || res.status > 299) {
      throw new PluginCallError('http', `${req.operation}: the plugin answered HTTP ${res.status}`, res.status, refreshedToken);
    }
    if (text.trim() === '') return { status: res.status, body: undefined, json: true, refreshedToken };
    try {
      return { status: res.status, body: JSON.parse(text), json: true, refreshedToken };
    } catch {
      return { status: res.status, body: text, json: false, refreshedToken };
    }
  }
}
