import { crmClient } from './crm-test.helpers';
import { DEMO_API_KEY, DEMO_NUMBERS, startSampleCrm, type SampleCrm } from './index';

describe('sample CRM contacts', () => {
  let crm: SampleCrm;
  let api: ReturnType<typeof crmClient>;
  const byPhone = (phone: string) => api.get(`/contacts?phone=${encodeURIComponent(phone)}`);
  const ids = (contacts: Array<{ id: string }>) => contacts.map((c) => c.id);

  beforeAll(async () => {
    crm = await startSampleCrm({ apiKeys: [DEMO_API_KEY], demoData: true });
    api = crmClient(crm, DEMO_API_KEY);
  });
  afterAll(() => crm.close());
  afterEach(() => crm.reset());

  it.each(['+16505550101', '+1 (650) 555-0101', '650-555-0101', '6505550101', '(650) 555 0101', '1-650-555-0101'])(
    'finds the contact stored as "+1 (650) 555-0101" when asked for %s',
    async (phone) => {
      const res = await byPhone(phone);
      expect(res.status).toBe(200);
      expect(ids(res.body.contacts)).toEqual(['con_2001']);
    },
  );

  it('finds contacts stored as plain digits, dashes and E.164 by any other format', async () => {
    expect(ids((await byPhone('+1 650 555 0102')).body.contacts)).toEqual(['con_2002']);
    expect(ids((await byPhone('(650) 555-0103')).body.contacts)).toEqual(['con_2003']);
    expect(ids((await byPhone('+16505550104')).body.contacts)).toEqual(['con_2003']);
    expect(ids((await byPhone('+44 20 7946 0958')).body.contacts)).toEqual(['con_2006']);
  });

  it('reads an unencoded + in the query (it arrives as a space) as a +', async () => {
    const res = await api.get(`/contacts?phone=${DEMO_NUMBERS.jane}`);
    expect(ids(res.body.contacts)).toEqual(['con_2001']);
  });

  it('returns every contact sharing a number, in creation order, with the fields resolvers need', async () => {
    const res = await byPhone(DEMO_NUMBERS.duplicate);
    expect(res.body.contacts).toEqual([
      expect.objectContaining({ id: 'con_2004', name: 'Dana Duplicate', type: 'Contact', createdAt: '2024-04-01T12:00:00.000Z' }),
      expect.objectContaining({ id: 'con_2005', name: 'Dan Duplicate', type: 'Lead', lastActivityAt: '2024-07-01T12:00:00.000Z' }),
    ]);
    expect(res.body.contacts[1].phones).toEqual(['(650) 555-0105']);
  });

  it('narrows a phone search by name', async () => {
    const res = await api.get(`/contacts?phone=${encodeURIComponent(DEMO_NUMBERS.duplicate)}&name=dana`);
    expect(ids(res.body.contacts)).toEqual(['con_2004']);
  });

  it('answers an empty list for a number nobody has', async () => {
    const res = await byPhone(DEMO_NUMBERS.unknown);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ contacts: [] });
  });

  it('rejects something that is not a phone number with 400 naming the field', async () => {
    const res = await byPhone('not-a-number');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'validation_failed', field: 'phone' });
  });

  it('creates a contact that is then found by another format of its number', async () => {
    const created = await api.post('/contacts', { name: 'Walk In', phone: '650.555.0199', type: 'Lead' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^con_/), name: 'Walk In', type: 'Lead', phones: ['650.555.0199'] });
    expect(Date.parse(created.body.createdAt)).not.toBeNaN();
    expect(ids((await byPhone(DEMO_NUMBERS.unknown)).body.contacts)).toEqual([created.body.id]);
    expect((await api.get(`/contacts/${created.body.id}`)).body.contact).toEqual(created.body);
  });

  it('defaults the type of a new contact to Contact (a proxy template renders a missing type as "")', async () => {
    const created = await api.post('/contacts', { name: 'No Type', phone: '+16505550188', type: '' });
    expect(created.body.type).toBe('Contact');
  });

  it.each([
    ['name', { phone: '+16505550177' }],
    ['phone', { name: 'No Phone' }],
    ['phone', { name: 'Bad Phone', phone: '12' }],
    ['type', { name: 'Bad Type', phone: '+16505550177', type: 'Customer' }],
  ])('rejects a new contact with a bad %s', async (field, body) => {
    const res = await api.post('/contacts', body);
    expect(res.status).toBe(400);
    expect(res.body.field).toBe(field);
  });

  it('creates one contact for two requests with one Idempotency-Key', async () => {
    const headers = { 'Idempotency-Key': 'contact-1' };
    const first = await api.post('/contacts', { name: 'Once', phone: '+16505550166' }, headers);
    const second = await api.post('/contacts', { name: 'Once', phone: '+16505550166' }, headers);
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.body.id).toBe(first.body.id);
    expect(crm.contacts().filter((c) => c.name === 'Once')).toHaveLength(1);
  });

  it('rejects a contact seeded with a phone that is not a number', () => {
    expect(() => crm.addContact({ name: 'Broken', phones: ['n/a'] })).toThrow(/not a phone number/);
  });
});
