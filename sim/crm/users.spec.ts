import { crmClient } from './crm-test.helpers';
import { DEMO_API_KEY, startSampleCrm, type SampleCrm } from './index';

describe('sample CRM users', () => {
  let crm: SampleCrm;
  let api: ReturnType<typeof crmClient>;

  beforeAll(async () => {
    crm = await startSampleCrm({ apiKeys: [DEMO_API_KEY], demoData: true });
    api = crmClient(crm, DEMO_API_KEY);
  });
  afterAll(() => crm.close());

  it('lists the demo users, one of them without an email', async () => {
    const res = await api.get('/users');
    expect(res.status).toBe(200);
    expect(res.body.users).toContainEqual({ id: 'usr_1001', name: 'Alice Anderson', email: 'alice.anderson@example.com' });
    expect(res.body.users).toContainEqual({ id: 'usr_1003', name: 'Clark, Carol', email: 'carol.clark@example.com' });
    const withoutEmail = res.body.users.filter((u: { email?: string }) => !('email' in u));
    expect(withoutEmail).toEqual([{ id: 'usr_1004', name: 'Dave Davis' }]);
  });

  it('shows users added through the helper, with generated ids that do not collide', async () => {
    const added = crm.addUser({ name: 'New Hire', email: 'new.hire@example.com' });
    expect(added.id).toMatch(/^usr_\d+$/);
    expect(crm.users().map((u) => u.id)).toContain(added.id);
    const res = await api.get(`/users/${added.id}`);
    expect(res.body.user).toEqual(added);
    expect(() => crm.addUser({ id: 'usr_1001', name: 'Clash' })).toThrow(/already exists/);
  });

  it('answers 404 for an unknown user and for an unknown route', async () => {
    expect((await api.get('/users/usr_9999')).status).toBe(404);
    const res = await api.get('/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('not_found');
  });

  it('tells a connector which account its key belongs to', async () => {
    const res = await api.get('/me');
    expect(res.status).toBe(200);
    expect(res.body.account.id).toBe('sample-crm');
  });
});
