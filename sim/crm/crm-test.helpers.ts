// Helpers for the sample CRM's own specs and for other suites driving it over HTTP. No jest globals here, so the
// file compiles into the build like the rest of sim/.
import type { SampleCrm } from './sample-crm.server';

export function basicAuth(apiKey: string): string {
  return `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`;
}

export interface CrmResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** A tiny JSON client for the CRM's API, authenticating with Basic `<key>:` unless headers say otherwise. */
export function crmClient(crm: SampleCrm, apiKey: string) {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<CrmResponse> => {
    const res = await fetch(`${crm.apiUrl}${path}`, {
      method,
      headers: {
        Authorization: basicAuth(apiKey),
        ...(body !== undefined && { 'Content-Type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  return {
    get: (path: string, headers?: Record<string, string>) => call('GET', path, undefined, headers),
    post: (path: string, body: unknown, headers?: Record<string, string>) => call('POST', path, body, headers),
    patch: (path: string, body: unknown, headers?: Record<string, string>) => call('PATCH', path, body, headers),
  };
}

/** A valid POST /api/activities body for the demo data; override what the test is about. */
export function activityBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    subject: 'Inbound call from Jane Customer',
    body: '- Summary: Inbound call from Jane Customer\n- Duration: 2 minutes, 5 seconds\n- Result: Call connected',
    ownerId: 'usr_1001',
    contactId: 'con_2001',
    direction: 'Inbound',
    startTime: '2025-06-24T10:30:00.000Z',
    endTime: '2025-06-24T10:32:05.000Z',
    duration: 125,
    result: 'Call connected',
    externalId: 's-a1b2c3:62981001',
    ...overrides,
  };
}
