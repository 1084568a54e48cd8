import { randomUUID } from 'node:crypto';
import type { NotificationEnvelope } from './sim-types';

/**
 * The WebSocket gateway's frames, shaped like the real ones in test/fixtures/ringcentral/subscriptions/ws-frame-*.json.
 * Every frame is a JSON array `[meta]` or `[meta, body]`; `meta.type` says what it is.
 */

export interface Wsc {
  token: string;
  sequence: number;
}

/** The gateway's limits, as the real ConnectionDetails body gives them (seconds). */
export interface ConnectionLimits {
  recoveryBufferSize: number;
  recoveryTimeout: number;
  idleTimeout: number;
  absoluteTimeout: number;
  maxConnectionsPerSession: number;
  maxActiveRequests: number;
}

export type RecoveryState = 'Successful' | 'Failed';

export type Frame = [Record<string, unknown>] | [Record<string, unknown>, unknown];

export interface ClientFrame {
  type: string;
  messageId: string;
  method?: string;
  path?: string;
  query?: Record<string, unknown>;
  headers?: Record<string, unknown>;
  body?: unknown;
}

const requestId = (): string => `${randomUUID()}-0`;

export function connectionDetailsFrame(wsc: Wsc, limits: ConnectionLimits, creationTime: number, recoveryState?: RecoveryState): Frame {
  const id = randomUUID();
  const body: Record<string, unknown> = { creationTime: new Date(creationTime).toISOString().replace('Z', '+0000'), ...limits };
  // Present only when the client asked to recover (`&wsc=` on the URL); @rc-ex/ws reads it to decide whether to re-subscribe.
  if (recoveryState) body.recoveryState = recoveryState;
  return [{ type: 'ConnectionDetails', messageId: id, status: 200, wsc: { ...wsc }, headers: { RCRequestId: id } }, body];
}

/** A notification: the meta's messageId is the envelope's uuid, the body is exactly what a webhook would POST. */
export function serverNotificationFrame(envelope: NotificationEnvelope, wsc: Wsc): Frame {
  return [{ type: 'ServerNotification', messageId: envelope.uuid, status: 200, wsc: { ...wsc }, headers: { RCRequestId: requestId() } }, envelope];
}

/** The answer to a ClientRequest: same type and messageId, the HTTP status and headers in the meta. */
export function clientResponseFrame(messageId: string, status: number, headers: Record<string, string>, body?: unknown): Frame {
  const meta = { type: 'ClientRequest', messageId, status, headers: { 'Content-Type': 'application/json', ...headers, RCRequestId: requestId() } };
  return body === undefined ? [meta] : [meta, body];
}

export function heartbeatFrame(messageId: string): Frame {
  return [{ type: 'Heartbeat', messageId, status: 200 }];
}

/** A connection refused (bad or expired ws token): @rc-ex/ws throws a ConnectionException on it. */
export function errorFrame(status: number, errorCode: string, message: string): Frame {
  const id = randomUUID();
  return [{ type: 'Error', messageId: id, status, headers: { RCRequestId: id } }, { errorCode, message }];
}

/** Parses what a client sent; undefined when it is not a `[meta, body?]` frame with a type and a messageId. */
export function parseClientFrame(text: string): ClientFrame | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length < 1 || parsed.length > 2) return undefined;
  const meta = parsed[0] as Record<string, unknown> | null;
  if (!meta || typeof meta !== 'object' || typeof meta.type !== 'string' || typeof meta.messageId !== 'string') return undefined;
  return {
    type: meta.type,
    messageId: meta.messageId,
    method: typeof meta.method === 'string' ? meta.method.toUpperCase() : undefined,
    path: typeof meta.path === 'string' ? meta.path : undefined,
    query: meta.query && typeof meta.query === 'object' ? (meta.query as Record<string, unknown>) : undefined,
    headers: meta.headers && typeof meta.headers === 'object' ? (meta.headers as Record<string, unknown>) : undefined,
    body: parsed[1],
  };
}
