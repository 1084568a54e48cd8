import { requestJson } from './http-json';

export interface DemoAccount {
  simAccountId: string;
  adminToken: string;
  crmApiKey: string;
}

const PEOPLE = [
  { firstName: 'Alice', lastName: 'Anderson', email: 'alice.anderson@example.com', admin: true },
  { firstName: 'Bob', lastName: 'Brown', email: 'bob.brown@example.com' },
  { firstName: 'Carol', lastName: 'Clark', email: 'carol.clark@example.com' },
  { firstName: 'Dave', lastName: 'Davis' },
];

/**
 * What an admin does, through the admin API only: sign in to RingCentral (the simulator's token endpoint, with the
 * JWT credential the admin created), connect RingCentral, choose the sample CRM, enter its API key, auto-match users,
 * switch logging on.
 */
export async function onboardDemoAccount(urls: { serviceUrl: string; simUrl: string; crmUrl: string }, crmApiKey: string, log: (line: string) => void): Promise<DemoAccount> {
  const simAccount = await requestJson<{ id: string }>('POST', `${urls.simUrl}/sim/accounts`, { body: { users: PEOPLE, ivrMenus: 1, queues: [{ name: 'Support Queue' }] } });
  const { jwt } = await requestJson<{ jwt: string }>('POST', `${urls.simUrl}/sim/accounts/${simAccount.id}/jwt`, { body: {} });
  const app = await requestJson<{ clientId: string; clientSecret: string }>('GET', `${urls.simUrl}/sim/app`);
  const token = await requestJson<{ access_token: string }>('POST', `${urls.simUrl}/restapi/oauth/token`, {
    headers: { Authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}` },
    form: { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: jwt },
  });
  const admin = { Authorization: `Bearer ${token.access_token}` };
  const api = (method: string, path: string, body?: unknown) => requestJson(method, `${urls.serviceUrl}/admin${path}`, { headers: admin, body });

  log(`  1. connect RingCentral        PUT   /admin/ringcentral/credentials`);
  await api('PUT', '/ringcentral/credentials', { jwt });
  log(`  2. choose the sample CRM      PATCH /admin/settings { connector }`);
  await api('PATCH', '/settings', { connector: { id: 'sample-crm', config: { baseUrl: `${urls.crmUrl}/api` } }, ownerPolicy: 'agent', adminCrmUserId: 'usr_1001' });
  log(`  3. its API key                PUT   /admin/server-logging-settings`);
  await api('PUT', '/server-logging-settings', { additionalFieldValues: { apiKey: crmApiKey } });
  log(`  4. map users to CRM users     POST  /admin/user-mappings/auto-match`);
  const mappings = await api('POST', '/user-mappings/auto-match');
  log(`     ${mappings?.mappings?.length ?? 0} extensions mapped, ${mappings?.unmapped?.length ?? 0} left to the admin's CRM user`);
  log(`  5. switch logging on          PATCH /admin/settings { enabled: true }`);
  await api('PATCH', '/settings', { enabled: true });
  return { simAccountId: simAccount.id, adminToken: token.access_token, crmApiKey };
}
