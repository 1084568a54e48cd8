import { startRingCentralSim, type RingCentralSim } from './index';
import { api, login } from './testing/sim-client';

describe('RingCentral sim: extension info and directory', () => {
  let sim: RingCentralSim;
  let accountId: string;
  let adminToken: string;

  beforeAll(async () => {
    sim = await startRingCentralSim();
    accountId = sim.addAccount({
      users: [
        { firstName: 'Ada', lastName: 'Admin', email: 'ada@example.com', admin: true },
        { firstName: 'Uma', lastName: 'User', email: 'uma@example.com' },
        {}, {}, {},
      ],
      ivrMenus: 1,
      queues: 1,
    }).id;
    adminToken = (await login(sim, accountId)).access_token;
  });
  afterAll(() => sim.close());

  it('tells whether the token owner is an admin', async () => {
    const admin = await api(sim, adminToken, 'GET', '/restapi/v1.0/account/~/extension/~');
    expect(admin.status).toBe(200);
    expect(admin.body).toMatchObject({
      extensionNumber: '101',
      name: 'Ada Admin',
      type: 'User',
      status: 'Enabled',
      contact: { firstName: 'Ada', lastName: 'Admin', email: 'ada@example.com' },
      permissions: { admin: { enabled: true } },
      account: { id: accountId },
    });
    expect(typeof admin.body.id).toBe('number');
    expect(admin.headers.get('x-rate-limit-group')).toBe('light');

    const uma = sim.account(accountId).extensions.find((e) => e.email === 'uma@example.com')!;
    const userToken = (await login(sim, accountId, uma.id)).access_token;
    const user = await api(sim, userToken, 'GET', '/restapi/v1.0/account/~/extension/~');
    expect(user.body).toMatchObject({ id: Number(uma.id), permissions: { admin: { enabled: false } } });
  });

  it('pages the directory and links the next page until the end', async () => {
    const seen: { type: string; name: string }[] = [];
    let url: string | undefined = '/restapi/v1.0/account/~/extension?perPage=3';
    let pages = 0;
    while (url) {
      const res: { status: number; body: any; headers: Headers } = await api(sim, adminToken, 'GET', url);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-rate-limit-group')).toBe('medium');
      expect(res.body.paging).toMatchObject({ page: pages + 1, perPage: 3, totalElements: 7, totalPages: 3 });
      seen.push(...res.body.records);
      url = res.body.navigation.nextPage?.uri;
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(7);
    expect(seen.filter((e) => e.type === 'User')).toHaveLength(5);
    expect(seen.filter((e) => e.type === 'IvrMenu')).toHaveLength(1);
    expect(seen.filter((e) => e.type === 'Department').map((e) => e.name)).toEqual(['Support Queue']);
  });

  it('filters the directory by type', async () => {
    const res = await api(sim, adminToken, 'GET', '/restapi/v1.0/account/~/extension?type=User&perPage=100');
    expect(res.body.records.map((e: { type: string }) => e.type)).toEqual(['User', 'User', 'User', 'User', 'User']);
    expect(res.body.navigation.nextPage).toBeUndefined();
  });

  it('keeps accounts apart', async () => {
    const other = sim.addAccount();
    const otherToken = (await login(sim, other.id)).access_token;
    const res = await api(sim, otherToken, 'GET', `/restapi/v1.0/account/${accountId}/extension`);
    expect(res.status).toBe(404);
    const mine = await api(sim, otherToken, 'GET', `/restapi/v1.0/account/${other.id}/extension`);
    expect(mine.status).toBe(200);
    const ids = mine.body.records.map((e: { id: number }) => String(e.id));
    expect(ids.some((id: string) => sim.account(accountId).extensions.some((e) => e.id === id))).toBe(false);
  });

  it('answers 403 InsufficientPermissions when the app lacks ReadAccounts', async () => {
    const limited = sim.addAccount({ scopes: ['CallControl'] });
    const token = (await login(sim, limited.id)).access_token;
    const res = await api(sim, token, 'GET', '/restapi/v1.0/account/~/extension');
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ errorCode: 'InsufficientPermissions', errors: [{ errorCode: 'CMN-401', permissionName: 'ReadAccounts' }] });
  });
});
