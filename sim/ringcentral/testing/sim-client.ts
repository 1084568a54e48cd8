import type { RingCentralSim } from '../ringcentral-sim';
import type { TokenSet } from '../token-store';

/** Small HTTP helpers for tests that talk to the simulator the way the service will. */

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export function basicAuth(sim: RingCentralSim, secret = sim.options.clientSecret): string {
  return `Basic ${Buffer.from(`${sim.options.clientId}:${secret}`).toString('base64')}`;
}

export async function tokenRequest(sim: RingCentralSim, form: Record<string, string>, authorization: string | null = basicAuth(sim)): Promise<ApiResponse> {
  const res = await fetch(`${sim.url}/restapi/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(authorization ? { Authorization: authorization } : {}) },
    body: new URLSearchParams(form).toString(),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** Logs in with a fresh JWT for the user (default: the admin) and returns the token set. */
export async function login(sim: RingCentralSim, accountId: string, extensionId?: string): Promise<TokenSet> {
  const jwt = sim.issueJwt(accountId, extensionId);
  const res = await tokenRequest(sim, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: jwt });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as TokenSet;
}

export async function api<T = any>(sim: RingCentralSim, token: string | undefined, method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
  const url = path.startsWith('http') ? path : `${sim.url}${path}`;
  const res = await fetch(url, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as T) : (undefined as T) };
}

export const ACCOUNT_SESSIONS_FILTER = '/restapi/v1.0/account/~/telephony/sessions';

export async function subscribe(sim: RingCentralSim, token: string, address: string, opts: { eventFilters?: string[]; verificationToken?: string; expiresIn?: number } = {}): Promise<ApiResponse> {
  return api(sim, token, 'POST', '/restapi/v1.0/subscription', {
    eventFilters: opts.eventFilters ?? [ACCOUNT_SESSIONS_FILTER],
    deliveryMode: { transportType: 'WebHook', address, ...(opts.verificationToken ? { verificationToken: opts.verificationToken } : {}) },
    ...(opts.expiresIn !== undefined ? { expiresIn: opts.expiresIn } : {}),
  });
}

/** A clock the test moves by hand. */
export function manualClock(start = Date.now()): { now(): number; advance(ms: number): void; set(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms), set: (ms) => (t = ms) };
}
