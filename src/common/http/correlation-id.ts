import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const CORRELATION_HEADER = 'x-correlation-id';
const SAFE_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** Takes the caller's correlation id when it is a plain token (so it can go into logs), else makes one. */
export function correlationIdFor(request: IncomingMessage): string {
  const incoming = request.headers[CORRELATION_HEADER] ?? request.headers['x-request-id'];
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  return value && SAFE_ID.test(value) ? value : randomUUID();
}

export function correlationIdOf(request: IncomingMessage & { id?: unknown }): string {
  return typeof request.id === 'string' ? request.id : String(request.id ?? 'unknown');
}
