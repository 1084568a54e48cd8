import { activityBody, crmClient } from './crm-test.helpers';
import { DEMO_API_KEY, startSampleCrm, type SampleCrm } from './index';

describe('sample CRM call activities', () => {
  let crm: SampleCrm;
  let api: ReturnType<typeof crmClient>;

  beforeAll(async () => {
    crm = await startSampleCrm({ apiKeys: [DEMO_API_KEY], demoData: true });
    api = crmClient(crm, DEMO_API_KEY);
  });
  afterAll(() => crm.close());
  afterEach(() => crm.reset());

  describe('create', () => {
    it('stores the activity and answers 201 with it', async () => {
      const res = await api.post('/activities', activityBody({ recordingUrl: 'https://media.example.com/rec/1' }));
      expect(res.status).toBe(201);
      expect(res.body.activity).toEqual({
        ...activityBody(),
        id: 'act_000001',
        note: '',
        recordingUrl: 'https://media.example.com/rec/1',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(crm.activities()).toEqual([res.body.activity]);
      expect((await api.get('/activities/act_000001')).body.activity).toEqual(res.body.activity);
    });

    it('accepts a call without a contact, epoch-millisecond times and "" for absent optional fields', async () => {
      const res = await api.post('/activities', activityBody({
        contactId: null, startTime: Date.UTC(2025, 5, 24, 10, 30), endTime: '', recordingUrl: '', duration: '0',
      }));
      expect(res.status).toBe(201);
      expect(res.body.activity).toMatchObject({
        contactId: null, startTime: '2025-06-24T10:30:00.000Z', endTime: null, recordingUrl: null, duration: 0,
      });
    });

    it('marks the contact as recently active', async () => {
      const before = crm.contacts().find((c) => c.id === 'con_2001')!.lastActivityAt;
      await api.post('/activities', activityBody());
      const after = crm.contacts().find((c) => c.id === 'con_2001')!.lastActivityAt;
      expect(after).not.toBe(before);
      expect(Date.parse(after!)).toBeGreaterThan(Date.parse(before!));
    });

    it.each([
      ['subject', { subject: undefined }],
      ['subject', { subject: '  ' }],
      ['body', { body: undefined }],
      ['body', { body: 42 }],
      ['ownerId', { ownerId: undefined }],
      ['direction', { direction: 'Sideways' }],
      ['startTime', { startTime: undefined }],
      ['startTime', { startTime: 'yesterday-ish' }],
      ['duration', { duration: -1 }],
      ['duration', { duration: 'pending' }],
      ['result', { result: '' }],
      ['externalId', { externalId: undefined }],
      ['recordingUrl', { recordingUrl: 'javascript:alert(1)' }],
      ['description', { description: 'a field this CRM does not have' }],
    ])('rejects a missing or bad %s with 400 naming it', async (field, overrides) => {
      const res = await api.post('/activities', activityBody(overrides));
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'validation_failed', field });
      expect(crm.activities()).toHaveLength(0);
    });

    it('rejects an unknown owner and an unknown contact with 400 naming the field', async () => {
      const owner = await api.post('/activities', activityBody({ ownerId: 'usr_4040' }));
      expect(owner.status).toBe(400);
      expect(owner.body.field).toBe('ownerId');
      const contact = await api.post('/activities', activityBody({ contactId: 'con_4040' }));
      expect(contact.status).toBe(400);
      expect(contact.body.field).toBe('contactId');
      expect(crm.activities()).toHaveLength(0);
    });

    it('rejects malformed JSON and a non-object body', async () => {
      const malformed = await api.post('/activities', '{"subject": ');
      expect(malformed.status).toBe(400);
      expect(malformed.body.error).toBe('invalid_json');
      const array = await api.post('/activities', [activityBody()]);
      expect(array.status).toBe(400);
      expect(array.body.field).toBe('body');
    });
  });

  describe('Idempotency-Key', () => {
    it('answers a repeated key and body with the same activity (200) and creates nothing more', async () => {
      const headers = { 'Idempotency-Key': 's-a1b2c3:62981001' };
      const first = await api.post('/activities', activityBody(), headers);
      // Same content, keys in another order: still the same request.
      const reordered = Object.fromEntries(Object.entries(activityBody()).reverse());
      const second = await api.post('/activities', reordered, headers);
      expect(first.status).toBe(201);
      expect(second.status).toBe(200);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      expect(second.body.activity.id).toBe(first.body.activity.id);
      expect(crm.activities()).toHaveLength(1);
    });

    it('creates one activity when two requests with one key arrive together', async () => {
      crm.setKnobs({ latencyMs: 30 });
      const headers = { 'Idempotency-Key': 'racing' };
      const results = await Promise.all([1, 2, 3].map(() => api.post('/activities', activityBody(), headers)));
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 201]);
      expect(new Set(results.map((r) => r.body.activity.id)).size).toBe(1);
      expect(crm.activities()).toHaveLength(1);
    });

    it('answers 422 when a key is reused with a different body', async () => {
      const headers = { 'Idempotency-Key': 'key-1' };
      await api.post('/activities', activityBody(), headers);
      const res = await api.post('/activities', activityBody({ duration: 126 }), headers);
      expect(res.status).toBe(422);
      expect(res.body.error).toBe('idempotency_key_reused');
      expect(crm.activities()).toHaveLength(1);
    });

    it('creates a second activity for a second key, and for no key at all', async () => {
      await api.post('/activities', activityBody(), { 'Idempotency-Key': 'key-a' });
      await api.post('/activities', activityBody(), { 'Idempotency-Key': 'key-b' });
      await api.post('/activities', activityBody());
      expect(crm.activities()).toHaveLength(3);
    });

    it('does not bind a key to a rejected request, so a corrected retry goes through', async () => {
      const headers = { 'Idempotency-Key': 'key-after-400' };
      expect((await api.post('/activities', activityBody({ ownerId: 'usr_4040' }), headers)).status).toBe(400);
      expect((await api.post('/activities', activityBody(), headers)).status).toBe(201);
    });

    it('returns the committed activity when the first response was lost', async () => {
      const headers = { 'Idempotency-Key': 'lost-response' };
      crm.setKnobs({ lostResponseRate: 1 });
      await expect(api.post('/activities', activityBody(), headers)).rejects.toThrow();
      expect(crm.activities()).toHaveLength(1);
      crm.setKnobs({ lostResponseRate: 0 });
      const retry = await api.post('/activities', activityBody(), headers);
      expect(retry.status).toBe(200);
      expect(retry.body.activity.id).toBe(crm.activities()[0].id);
      expect(crm.activities()).toHaveLength(1);
    });
  });

  describe('update', () => {
    it('replaces the given fields, appends notes and keeps the rest', async () => {
      const created = (await api.post('/activities', activityBody({ note: 'first' }))).body.activity;
      const res = await api.patch(`/activities/${created.id}`, {
        body: 'updated body', duration: 130, result: 'Voicemail', recordingUrl: 'https://media.example.com/rec/9',
        appendNote: 'second',
      });
      expect(res.status).toBe(200);
      expect(res.body.activity).toEqual({
        ...created,
        body: 'updated body',
        duration: 130,
        result: 'Voicemail',
        recordingUrl: 'https://media.example.com/rec/9',
        note: 'first\nsecond',
        updatedAt: expect.any(String),
      });
      await api.patch(`/activities/${created.id}`, { appendNote: 'third', subject: 'New subject' });
      expect((await api.get(`/activities/${created.id}`)).body.activity).toMatchObject({
        note: 'first\nsecond\nthird', subject: 'New subject', body: 'updated body',
      });
    });

    it('ignores "" (a template with nothing to say) and clears nullable fields with null', async () => {
      const created = (await api.post('/activities', activityBody({ recordingUrl: 'https://media.example.com/rec/1' }))).body.activity;
      const unchanged = await api.patch(`/activities/${created.id}`, { recordingUrl: '', result: '', duration: '', body: '' });
      expect(unchanged.status).toBe(200);
      expect(unchanged.body.activity).toMatchObject({ recordingUrl: 'https://media.example.com/rec/1', result: created.result, body: created.body });
      const cleared = await api.patch(`/activities/${created.id}`, { recordingUrl: null, endTime: null });
      expect(cleared.body.activity).toMatchObject({ recordingUrl: null, endTime: null, duration: created.duration });
    });

    it('rejects fields that cannot be patched, bad values and empty patches with 400', async () => {
      const { id } = (await api.post('/activities', activityBody())).body.activity;
      expect((await api.patch(`/activities/${id}`, { ownerId: 'usr_1002' })).body.field).toBe('ownerId');
      expect((await api.patch(`/activities/${id}`, { duration: 'long' })).body.field).toBe('duration');
      const empty = await api.patch(`/activities/${id}`, {});
      expect(empty.status).toBe(400);
      expect(crm.activities()[0].ownerId).toBe('usr_1001');
    });

    it('answers 404 for an unknown activity', async () => {
      const res = await api.patch('/activities/act_999999', { body: 'x' });
      expect(res.status).toBe(404);
      expect((await api.get('/activities/act_999999')).status).toBe(404);
    });
  });

  describe('list', () => {
    beforeEach(async () => {
      await api.post('/activities', activityBody({ externalId: 's-1:101', ownerId: 'usr_1001', contactId: 'con_2001' }));
      await api.post('/activities', activityBody({ externalId: 's-1:102', ownerId: 'usr_1002', contactId: 'con_2001' }));
      await api.post('/activities', activityBody({ externalId: 's-2:101', ownerId: 'usr_1001', contactId: null }));
    });

    const externalIds = async (query: string) =>
      (await api.get(`/activities${query}`)).body.activities.map((a: { externalId: string }) => a.externalId);

    it('lists all activities in creation order without filters', async () => {
      expect(await externalIds('')).toEqual(['s-1:101', 's-1:102', 's-2:101']);
    });

    it('filters by externalId, ownerId and contactId, alone and combined', async () => {
      expect(await externalIds('?externalId=s-1%3A102')).toEqual(['s-1:102']);
      expect(await externalIds('?ownerId=usr_1001')).toEqual(['s-1:101', 's-2:101']);
      expect(await externalIds('?contactId=con_2001')).toEqual(['s-1:101', 's-1:102']);
      expect(await externalIds('?ownerId=usr_1001&contactId=con_2001')).toEqual(['s-1:101']);
      expect(await externalIds('?externalId=s-9:101')).toEqual([]);
    });
  });

  it('counts requests per route for "CRM requests per logged call"', async () => {
    await api.get('/contacts?phone=6505550101');
    await api.post('/activities', activityBody());
    await api.patch('/activities/act_000001', { duration: 1 });
    await api.get('/activities/act_000001');
    await fetch(`${crm.url}/`);
    expect(crm.stats()).toEqual({
      total: 4,
      byRoute: {
        'GET /api/contacts': 1,
        'POST /api/activities': 1,
        'PATCH /api/activities/:id': 1,
        'GET /api/activities/:id': 1,
      },
      byStatus: { '200': 3, '201': 1 },
      maxInFlightPerKey: 1,
    });
  });
});
