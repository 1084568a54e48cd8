import type { RingCentralSim } from '../../sim/ringcentral';
import { fetchJson } from './http';
import { waitFor } from './wait-for';

/**
 * A RingCentral access token for a user of a simulated account (default: its admin), obtained as an admin's app
 * would: the user's JWT credential exchanged at the token endpoint with the JWT grant and Basic client auth.
 */
export async function rcAccessToken(sim: RingCentralSim, accountId: string, extensionId?: string): Promise<string> {
  const basic = Buffer.from(`${sim.options.clientId}:${sim.options.clientSecret}`).toString('base64');
  const res = await fetchJson(`${sim.url}/restapi/oauth/token`, {
    method: 'POST',
    headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: sim.issueJwt(accountId, extensionId) }).toString(),
  });
  if (res.status !== 200 || !res.body?.access_token) throw new Error(`token endpoint answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.access_token as string;
}

export type AdminResponse = Awaited<ReturnType<typeof fetchJson>>;

/** The admin API over HTTP with one bearer token (or none, or any Authorization header). */
export class AdminClient {
  constructor(
    readonly baseUrl: string,
    private readonly authorization: string | undefined,
  ) {}

  static bearer(baseUrl: string, token: string): AdminClient {
    return new AdminClient(baseUrl, `Bearer ${token}`);
  }

  request(method: string, path: string, body?: unknown): Promise<AdminResponse> {
    const headers: Record<string, string> = {};
    if (this.authorization !== undefined) headers.Authorization = this.authorization;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return fetchJson(`${this.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  }

  get(path: string) {
    return this.request('GET', path);
  }
  put(path: string, body: unknown) {
    return this.request('PUT', path, body);
  }
  patch(path: string, body: unknown) {
    return this.request('PATCH', path, body);
  }
  post(path: string, body?: unknown) {
    return this.request('POST', path, body);
  }

  /** Every call log matching `query`, following nextCursor. */
  async allCallLogs(query = '', pageSize = 100): Promise<any[]> {
    const items: any[] = [];
    let cursor: string | null = null;
    do {
      const params = new URLSearchParams(query);
      params.set('limit', String(pageSize));
      if (cursor) params.set('cursor', cursor);
      const res = await this.get(`/admin/call-logs?${params}`);
      if (res.status !== 200) throw new Error(`GET /admin/call-logs answered ${res.status}: ${JSON.stringify(res.body)}`);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return items;
  }

  /** Waits until the calls of these telephony sessions are listed and none is still pending or logging. */
  async settledCallLogs(telephonySessionIds: string[], expected: number, timeoutMs = 30_000): Promise<any[]> {
    return waitFor(
      async () => {
        const items = (await this.allCallLogs()).filter((i) => telephonySessionIds.includes(i.telephonySessionId));
        return items.length >= expected && items.every((i) => i.status !== 'pending' && i.status !== 'logging') ? items : undefined;
      },
      timeoutMs,
      `${expected} call logs settled`,
    );
  }

  /** Waits until one call log has left pending/logging. */
  async settledCallLog(id: string, timeoutMs = 30_000): Promise<any> {
    return waitFor(
      async () => {
        const res = await this.get(`/admin/call-logs/${id}`);
        return res.status === 200 && res.body.status !== 'pending' && res.body.status !== 'logging' ? res.body : undefined;
      },
      timeoutMs,
      `call log ${id} settled`,
    );
  }
}

/** Onboards a simulated account through the admin API only, as an admin would (connector: the sample CRM). */
export async function onboardViaAdminApi(
  admin: AdminClient,
  options: { jwt: string; crmApiUrl: string; crmApiKey: string; settings?: Record<string, unknown> },
): Promise<void> {
  const steps: [string, () => Promise<AdminResponse>][] = [
    ['credentials', () => admin.put('/admin/ringcentral/credentials', { jwt: options.jwt })],
    ['connector', () => admin.patch('/admin/settings', { connector: { id: 'sample-crm', config: { baseUrl: options.crmApiUrl } }, ...options.settings })],
    ['server-logging-settings', () => admin.put('/admin/server-logging-settings', { additionalFieldValues: { apiKey: options.crmApiKey } })],
    ['auto-match', () => admin.post('/admin/user-mappings/auto-match')],
    ['enable', () => admin.patch('/admin/settings', { enabled: true })],
  ];
  for (const [name, step] of steps) {
    const res = await step();
    if (res.status !== 200) throw new Error(`onboarding step ${name} answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
}
