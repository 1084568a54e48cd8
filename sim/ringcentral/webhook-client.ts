import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { NotificationEnvelope } from './sim-types';

/**
 * Outbound HTTP to webhook receivers, behaving like RingCentral's sender (docs/ringcentral.md §2.3): the validation
 * handshake on subscription creation and single notification POSTs. Failure reasons use the wording seen in real
 * `blacklistedData.reason` values.
 */

export const WEBHOOK_USER_AGENT = 'RingCentral-Webhook/8.3';
const MAX_VALIDATION_RESPONSE_BYTES = 1024;

export type WebhookResult = { ok: true; status: number } | { ok: false; status?: number; reason: string };

function combine(timeoutMs: number, stop?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return stop ? AbortSignal.any([timeout, stop]) : timeout;
}

function describeError(error: unknown): string {
  const err = error as { name?: string; message?: string; code?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError') return 'I/O operation is failed. Details: [Read timed out]';
  if ((err?.cause?.code ?? err?.code) === 'ECONNREFUSED') return 'I/O operation is failed. Details: [Connection refused]';
  if (err?.name === 'AbortError') return 'I/O operation is failed. Details: [Aborted]';
  return `I/O operation is failed. Details: [${err?.cause?.message ?? err?.message ?? String(error)}]`;
}

/** POSTs with `Validation-Token` and no body; the receiver must answer 200 echoing it, in ≤ 1024 bytes. */
export async function validateWebhook(address: string, token: string, timeoutMs: number, stop?: AbortSignal): Promise<WebhookResult> {
  try {
    const res = await fetch(address, {
      method: 'POST',
      headers: { 'Validation-Token': token, 'Content-Type': 'application/json', 'User-Agent': WEBHOOK_USER_AGENT },
      signal: combine(timeoutMs, stop),
    });
    const body = await res.arrayBuffer();
    let size = `HTTP/1.1 ${res.status} ${res.statusText}\r\n`.length + body.byteLength;
    res.headers.forEach((value, name) => (size += name.length + value.length + 4));
    if (res.status !== 200) return { ok: false, status: res.status, reason: `WebHook responded with HTTP ${res.status}` };
    if (res.headers.get('validation-token') !== token) return { ok: false, status: 200, reason: 'Validation-Token header was not echoed' };
    if (size > MAX_VALIDATION_RESPONSE_BYTES) return { ok: false, status: 200, reason: `response is ${size} bytes, over 1024` };
    return { ok: true, status: 200 };
  } catch (error) {
    return { ok: false, reason: describeError(error) };
  }
}

/**
 * Longest a keep-alive connection is kept idle. Node's agent closes an idle socket 1 s before the receiver's
 * `Keep-Alive: timeout=N` hint only when the agent has a timeout of its own (`keepSocketAlive` in node's
 * lib/_http_agent.js takes the smaller of the two, and ignores the hint when there is none): without one, a socket the
 * receiver was closing at its timeout could be picked for the next delivery ("socket hang up", a failed delivery).
 */
export const MAX_IDLE_MS = 120_000;
// Keep-alive connections for notifications (node:http costs several times less CPU per request than fetch, which
// matters when a benchmark delivers tens of thousands). Idle sockets are unref'd by the agent and closed before the
// receiver's Keep-Alive timeout hint.
const AGENTS = {
  http: new HttpAgent({ keepAlive: true, timeout: MAX_IDLE_MS }),
  https: new HttpsAgent({ keepAlive: true, timeout: MAX_IDLE_MS }),
};

export async function postNotification(
  address: string,
  envelope: NotificationEnvelope,
  verificationToken: string | undefined,
  timeoutMs: number,
  stop?: AbortSignal,
): Promise<WebhookResult> {
  const body = JSON.stringify(envelope);
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/json; charset=UTF-8',
    'User-Agent': WEBHOOK_USER_AGENT,
    Accept: 'application/json',
    'Content-Length': Buffer.byteLength(body),
  };
  if (verificationToken) headers['Verification-Token'] = verificationToken;
  const signal = combine(timeoutMs, stop);
  return new Promise<WebhookResult>((resolve) => {
    const fail = (error: unknown) => resolve({ ok: false, reason: describeError(signal.aborted ? signal.reason : error) });
    let url: URL;
    try {
      url = new URL(address);
    } catch (error) {
      return fail(error);
    }
    const https = url.protocol === 'https:';
    const onResponse = (res: IncomingMessage) => {
      res.on('error', fail);
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve({ ok: true, status });
        else resolve({ ok: false, status, reason: `Webhook responses with code: [${status}], reason: [${res.statusMessage ?? ''}]` });
      });
      res.resume();
    };
    const req = (https ? httpsRequest : httpRequest)(url, { method: 'POST', headers, agent: https ? AGENTS.https : AGENTS.http, signal }, onResponse);
    req.on('error', fail);
    req.end(body);
  });
}
