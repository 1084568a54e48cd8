import { basicAuth } from './crm-test.helpers';
import { DEMO_API_KEY, startSampleCrm, type SampleCrm } from './index';

describe('sample CRM authentication', () => {
  let crm: SampleCrm;

  beforeAll(async () => {
    crm = await startSampleCrm({ apiKeys: [DEMO_API_KEY], demoData: true });
  });
  afterAll(() => crm.close());

  const getUsers = (headers: Record<string, string>) => fetch(`${crm.apiUrl}/users`, { headers });

  it.each([
    ['Basic <key>:', { Authorization: basicAuth(DEMO_API_KEY) }],
    ['Basic <key> without the colon', { Authorization: `Basic ${Buffer.from(DEMO_API_KEY).toString('base64')}` }],
    ['Basic <key>:<ignored password>', { Authorization: `Basic ${Buffer.from(`${DEMO_API_KEY}:x`).toString('base64')}` }],
    ['X-API-Key', { 'X-API-Key': DEMO_API_KEY }],
    ['both headers', { Authorization: basicAuth(DEMO_API_KEY), 'X-API-Key': DEMO_API_KEY }],
  ])('accepts %s', async (_style, headers) => {
    const res = await getUsers(headers);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { users: unknown[] }).users.length).toBeGreaterThan(0);
  });

  it.each([
    ['no credentials', {}],
    ['a wrong Basic key', { Authorization: basicAuth('wrong-key') }],
    ['a wrong X-API-Key', { 'X-API-Key': 'wrong-key' }],
    ['a Bearer token', { Authorization: `Bearer ${DEMO_API_KEY}` }],
    ['an empty Basic key', { Authorization: basicAuth('') }],
    ['a good X-API-Key with a wrong Basic key', { Authorization: basicAuth('wrong-key'), 'X-API-Key': DEMO_API_KEY }],
  ])('rejects %s with 401', async (_case, headers) => {
    const res = await getUsers(headers);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(await res.json()).toEqual({ error: 'unauthorized' });
  });

  it('accepts a key issued at runtime, and forgets it on reset', async () => {
    const key = crm.issueApiKey();
    expect(key).not.toBe(DEMO_API_KEY);
    expect((await getUsers({ 'X-API-Key': key })).status).toBe(200);
    crm.reset();
    expect((await getUsers({ 'X-API-Key': key })).status).toBe(401);
    expect((await getUsers({ 'X-API-Key': DEMO_API_KEY })).status).toBe(200);
  });

  it('does not protect /health', async () => {
    const res = await fetch(`${crm.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });
});
