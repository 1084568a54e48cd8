import { activityBody, crmClient } from './crm-test.helpers';
import { DEMO_API_KEY, startSampleCrm, type SampleCrm } from './index';

describe('sample CRM fault knobs', () => {
  let crm: SampleCrm;
  let api: ReturnType<typeof crmClient>;
  const statuses = async (n: number, path = '/users') => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await api.get(path)).status);
    return out;
  };

  beforeAll(async () => {
    crm = await startSampleCrm({ apiKeys: [DEMO_API_KEY], demoData: true, seed: 42 });
    api = crmClient(crm, DEMO_API_KEY);
  });
  afterAll(() => crm.close());
  afterEach(() => crm.reset());

  it('adds latency to every API response, errors included', async () => {
    crm.setKnobs({ latencyMs: 150 });
    let started = Date.now();
    expect((await api.get('/users')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
    started = Date.now();
    expect((await api.get('/users', { 'X-API-Key': 'wrong' })).status).toBe(401);
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('answers 503 to everything with errorRate 1 and to nothing with errorRate 0', async () => {
    crm.setKnobs({ errorRate: 1 });
    const res = await api.post('/activities', activityBody());
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: 'unavailable' });
    expect(await statuses(3)).toEqual([503, 503, 503]);
    expect(crm.activities()).toHaveLength(0);
    crm.setKnobs({ errorRate: 0 });
    expect(await statuses(3)).toEqual([200, 200, 200]);
  });

  it('fails the same requests again for the same seed', async () => {
    crm.setKnobs({ errorRate: 0.5 });
    const first = await statuses(12);
    expect(first).toContain(503);
    expect(first).toContain(200);
    crm.reset();
    crm.setKnobs({ errorRate: 0.5 });
    expect(await statuses(12)).toEqual(first);
  });

  it('answers the next N requests with 429 and Retry-After, then admits again', async () => {
    crm.setKnobs({ rateLimit: { rejectNext: 2, retryAfterSeconds: 7 } });
    const limited = await api.get('/contacts?phone=6505550101');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.body).toEqual({ error: 'rate_limited' });
    expect(await statuses(2)).toEqual([429, 200]);
    expect(crm.knobs().rateLimit).toEqual({ rejectNext: 0, retryAfterSeconds: 7 });
  });

  it('limits requests per rolling second, telling the client when to come back', async () => {
    crm.setKnobs({ rateLimit: { perSecond: 3 } });
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => api.get('/users')));
    const codes = results.map((r) => r.status).sort();
    expect(codes).toEqual([200, 200, 200, 429, 429]);
    const rejected = results.find((r) => r.status === 429)!;
    expect(Number(rejected.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('answers 503 to every API request during an outage, before checking keys, until it ends', async () => {
    crm.setKnobs({ outage: true });
    expect(await statuses(2)).toEqual([503, 503]);
    expect((await api.get('/users', { 'X-API-Key': 'wrong' })).status).toBe(503);
    expect((await fetch(`${crm.url}/health`)).status).toBe(200);
    crm.setKnobs({ outage: false });
    expect(await statuses(1)).toEqual([200]);
  });

  it('counts rejected requests in the stats', async () => {
    crm.setKnobs({ outage: true });
    await statuses(2);
    crm.setKnobs({ outage: false });
    await statuses(1);
    expect(crm.stats()).toMatchObject({ total: 3, byRoute: { 'GET /api/users': 3 }, byStatus: { '503': 2, '200': 1 } });
  });

  it('rejects knob values out of range and keeps the old ones', () => {
    crm.setKnobs({ latencyMs: 5 });
    expect(() => crm.setKnobs({ errorRate: 2 })).toThrow(RangeError);
    expect(() => crm.setKnobs({ latencyMs: -1 })).toThrow(RangeError);
    expect(() => crm.setKnobs({ rateLimit: { perSecond: 1.5 } })).toThrow(RangeError);
    expect(crm.knobs()).toMatchObject({ latencyMs: 5, errorRate: 0, rateLimit: null });
  });

  it('starts with the knobs given as options and goes back to them on reset', async () => {
    const slow = await startSampleCrm({ apiKeys: ['k'], latencyMs: 120, outage: true });
    try {
      const started = Date.now();
      expect((await fetch(`${slow.apiUrl}/users`, { headers: { 'X-API-Key': 'k' } })).status).toBe(503);
      expect(Date.now() - started).toBeGreaterThanOrEqual(115);
      slow.setKnobs({ outage: false, latencyMs: 0 });
      slow.reset();
      expect(slow.knobs()).toMatchObject({ latencyMs: 120, outage: true });
    } finally {
      await slow.close();
    }
  });
});
