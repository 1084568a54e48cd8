import type { NotificationEnvelope } from './sim-types';

/**
 * Outbound HTTP to webhook receivers, behaving like RingCentral's sender (ringcentral-notes §2.3): the validation
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
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError') return 'I/O operation is failed. Details: [Read timed out]';
  if (err?.cause?.code === 'ECONNREFUSED') return 'I/O operation is failed. Details: [Connection refused]';
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

export async function postNotification(
  address: string,
  envelope: NotificationEnvelope,
  verificationToken: string | undefined,
  timeoutMs: number,
  stop?: AbortSignal,
): Promise<WebhookResult> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json; charset=UTF-8',
    'User-Agent': WEBHOOK_USER_AGENT,
    Accept: 'application/json',
  };
  if (verificationToken) headers['Verification-Token'] = verificationToken;
  try {
    const res = await fetch(address, { method: 'POST', headers, body: JSON.stringify(envelope), signal: combine(timeoutMs, stop) });
    await res.arrayBuffer();
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
    return { ok: false, status: res.status, reason: `Webhook responses with code: [${res.status}], reason: [${res.statusText}]` };
  } catch (error) {
    return { ok: false, reason: describeError(error) };
  }
}
