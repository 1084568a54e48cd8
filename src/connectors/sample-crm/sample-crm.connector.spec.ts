import { DEMO_API_KEY, DEMO_NUMBERS, type SampleCrm, startSampleCrm } from '../../../sim/crm';
import { OutboundGuard } from '../../common/net/outbound-guard';
import { ConnectorConfigError } from '../connector-config.error';
import { ConnectorError } from '../connector.error';
import type { ConnectorContext, CreateCallLogArgs, RcCallLog } from '../crm-connector';
import { HttpConnectorClient } from '../http-connector.client';
import { SampleCrmConnector } from './sample-crm.connector';

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ConnectorError) return error;
    throw error;
  }
  throw new Error('expected a ConnectorError');
}

describe('SampleCrmConnector against the sample CRM', () => {
  let crm: SampleCrm;
  const connector = new SampleCrmConnector(new HttpConnectorClient(undefined, OutboundGuard.allowingAll()));

  beforeAll(async () => {
    crm = await startSampleCrm({ apiKeys: [DEMO_API_KEY], demoData: true });
  });
  afterAll(() => crm.close());
  beforeEach(() => crm.reset());

  const ctx = (overrides: Partial<ConnectorContext> = {}): ConnectorContext => ({
    accountId: '37439510',
    hashedAccountId: 'hashed-37439510',
    config: { baseUrl: crm.apiUrl },
    serverLoggingSettings: { apiKey: DEMO_API_KEY },
    ...overrides,
  });
  const auth = (c: ConnectorContext = ctx()): string => connector.getAuthHeader(c, c.serverLoggingSettings);

  const callLog = (overrides: Partial<RcCallLog> = {}): RcCallLog => ({
    id: 'AWtZ47',
    sessionId: '17158772005',
    telephonySessionId: 's-a1b2c3',
    direction: 'Inbound',
    startTime: '2025-06-24T10:30:00.000Z',
    duration: 125,
    result: 'Accepted',
    from: { phoneNumber: DEMO_NUMBERS.jane, name: 'Jane Customer' },
    to: { phoneNumber: '+16505550100', extensionNumber: '101', extensionId: '62981001', name: 'Alice Anderson' },
    recording: { id: 'rec1', link: 'https://media.example.com/rec1' },
    ...overrides,
  });

  const createArgs = (overrides: Partial<CreateCallLogArgs> = {}): CreateCallLogArgs => {
    const c = overrides.ctx ?? ctx();
    return {
      ctx: c,
      authHeader: auth(c),
      user: { id: 'usr_1001', name: 'Alice Anderson' },
      contactInfo: { id: 'con_2001', name: 'Jane Customer', phoneNumber: DEMO_NUMBERS.jane, type: 'Contact' },
      callLog: callLog(),
      subject: 'Inbound call from Jane Customer',
      additionalSubmission: { isAssignedToUser: true, adminAssignedUserRcId: '62981001' },
      composedLogDetails: '- Summary: Inbound call from Jane Customer\n- Duration: 2 minutes, 5 seconds',
      hashedAccountId: 'hashed-37439510',
      isFromSSCL: true,
      rcExtensionId: '62981001',
      idempotencyKey: 'call-log:s-a1b2c3:62981001',
      ...overrides,
    };
  };

  describe('findContact', () => {
    it('finds a contact stored in another format by its E.164 number, mapping dates', async () => {
      const found = await connector.findContact({ ctx: ctx(), authHeader: auth(), phoneNumber: DEMO_NUMBERS.john });
      expect(found).toEqual([
        { id: 'con_2002', name: 'John Prospect', phone: '650-555-0102', type: 'Lead', createdDate: '2024-02-11T10:00:00.000Z' },
      ]);
      const jane = await connector.findContact({ ctx: ctx(), authHeader: auth(), phoneNumber: DEMO_NUMBERS.jane });
      expect(jane).toEqual([
        {
          id: 'con_2001',
          name: 'Jane Customer',
          phone: '+1 (650) 555-0101',
          type: 'Contact',
          createdDate: '2024-01-10T09:00:00.000Z',
          mostRecentActivityDate: '2024-05-02T15:30:00.000Z',
        },
      ]);
    });

    it("finds a contact by its second number, and an international one", async () => {
      const acme = await connector.findContact({ ctx: ctx(), authHeader: auth(), phoneNumber: DEMO_NUMBERS.acmeAlt });
      expect(acme.map((c) => c.id)).toEqual(['con_2003']);
      const london = await connector.findContact({ ctx: ctx(), authHeader: auth(), phoneNumber: DEMO_NUMBERS.london });
      expect(london.map((c) => c.id)).toEqual(['con_2006']);
    });

    it('returns every contact sharing a number, in the CRM order', async () => {
      const found = await connector.findContact({ ctx: ctx(), authHeader: auth(), phoneNumber: DEMO_NUMBERS.duplicate });
      expect(found.map((c) => [c.id, c.createdDate, c.mostRecentActivityDate])).toEqual([
        ['con_2004', '2024-04-01T12:00:00.000Z', '2024-05-20T12:00:00.000Z'],
        ['con_2005', '2024-06-01T12:00:00.000Z', '2024-07-01T12:00:00.000Z'],
      ]);
    });

    it('returns [] when nobody has the number', async () => {
      await expect(connector.findContact({ ctx: ctx(), authHeader: auth(), phoneNumber: DEMO_NUMBERS.unknown })).resolves.toEqual([]);
    });

    it('tries overriding formats too but returns each contact once', async () => {
      const found = await connector.findContact({
        ctx: ctx(),
        authHeader: auth(),
        phoneNumber: DEMO_NUMBERS.duplicate,
        overridingFormat: '(***) ***-****,***-***-****',
      });
      expect(found.map((c) => c.id)).toEqual(['con_2004', 'con_2005']);
      expect(crm.stats().byRoute['GET /api/contacts']).toBe(3);
    });

    it('does not ask the CRM about extension numbers', async () => {
      await expect(connector.findContact({ ctx: ctx(), authHeader: auth(), phoneNumber: '101', isExtension: true })).resolves.toEqual([]);
      expect(crm.stats().total).toBe(0);
    });
  });

  it('creates a contact', async () => {
    const contact = await connector.createContact({
      ctx: ctx(),
      authHeader: auth(),
      phoneNumber: DEMO_NUMBERS.unknown,
      newContactName: 'New Caller',
      newContactType: 'Lead',
    });
    expect(contact).toMatchObject({ name: 'New Caller', type: 'Lead', phone: DEMO_NUMBERS.unknown });
    const found = await connector.findContact({ ctx: ctx(), authHeader: auth(), phoneNumber: DEMO_NUMBERS.unknown });
    expect(found.map((c) => c.id)).toEqual([contact.id]);
  });

  describe('createCallLog', () => {
    it('creates an activity with the mapped fields', async () => {
      const { logId } = await connector.createCallLog(createArgs());
      const [activity] = crm.activities();
      expect(activity).toMatchObject({
        id: logId,
        subject: 'Inbound call from Jane Customer',
        body: '- Summary: Inbound call from Jane Customer\n- Duration: 2 minutes, 5 seconds',
        ownerId: 'usr_1001',
        contactId: 'con_2001',
        direction: 'Inbound',
        startTime: '2025-06-24T10:30:00.000Z',
        endTime: '2025-06-24T10:32:05.000Z',
        duration: 125,
        result: 'Accepted',
        externalId: 's-a1b2c3:62981001',
        recordingUrl: 'https://media.example.com/rec1',
      });
    });

    it('logs without a contact and without a recording', async () => {
      const { logId } = await connector.createCallLog(
        createArgs({ contactInfo: { phoneNumber: DEMO_NUMBERS.unknown }, callLog: callLog({ recording: undefined }) }),
      );
      expect(crm.activities()).toEqual([expect.objectContaining({ id: logId, contactId: null, recordingUrl: null })]);
    });

    it('creates one activity when the same idempotency key is sent twice', async () => {
      const first = await connector.createCallLog(createArgs());
      const second = await connector.createCallLog(createArgs());
      expect(second.logId).toBe(first.logId);
      expect(crm.activities()).toHaveLength(1);
    });

    it('creates one activity when the first response is lost and the retry carries the same key', async () => {
      crm.setKnobs({ lostResponseRate: 1 });
      const lost = await failure(connector.createCallLog(createArgs()));
      expect(lost.code).toBe('TEMPORARY');
      crm.setKnobs({ lostResponseRate: 0 });
      const { logId } = await connector.createCallLog(createArgs());
      expect(crm.activities().map((a) => a.id)).toEqual([logId]);
    });

    it('returns the existing activity when a retry with the same key carries changed content', async () => {
      const first = await connector.createCallLog(createArgs());
      const retry = await connector.createCallLog(createArgs({ composedLogDetails: 'recomposed after the recording arrived' }));
      expect(retry.logId).toBe(first.logId);
      expect(crm.activities()).toHaveLength(1);
    });

    it('reports an unknown owner as VALIDATION naming the field', async () => {
      const error = await failure(connector.createCallLog(createArgs({ user: { id: 'usr_9999' } })));
      expect(error).toMatchObject({ code: 'VALIDATION', status: 400, field: 'ownerId', connectorId: 'sample-crm', operation: 'createCallLog' });
    });
  });

  it('updates an activity and returns the note', async () => {
    const { logId } = await connector.createCallLog(createArgs({ callLog: callLog({ recording: undefined, duration: 0 }) }));
    const result = await connector.updateCallLog({
      ctx: ctx(),
      authHeader: auth(),
      thirdPartyLogId: logId,
      user: { id: 'usr_1001' },
      composedLogDetails: '- Duration: 2 minutes, 10 seconds',
      duration: 130,
      result: 'Call connected',
      recordingLink: 'https://media.example.com/rec9',
      callLog: { startTime: '2025-06-24T10:30:00.000Z' },
      appendNote: 'Customer asked for a callback',
    });
    expect(result).toEqual({ updatedNote: 'Customer asked for a callback' });
    expect(crm.activities()[0]).toMatchObject({
      body: '- Duration: 2 minutes, 10 seconds',
      duration: 130,
      result: 'Call connected',
      recordingUrl: 'https://media.example.com/rec9',
      endTime: '2025-06-24T10:32:10.000Z',
    });
  });

  it('updating an activity that does not exist is NOT_FOUND', async () => {
    const error = await failure(
      connector.updateCallLog({ ctx: ctx(), authHeader: auth(), thirdPartyLogId: 'act_nope', user: { id: 'usr_1001' }, duration: 3 }),
    );
    expect(error.code).toBe('NOT_FOUND');
  });

  it('reads the log as the CRM holds it now (getCallLog), a person\'s edits included', async () => {
    const { logId } = await connector.createCallLog(createArgs());
    await connector.updateCallLog({ ctx: ctx(), authHeader: auth(), thirdPartyLogId: logId, user: { id: 'usr_1001' }, composedLogDetails: '- Duration: 3 seconds\nTyped by a person' });
    const info = await connector.getCallLog!({ ctx: ctx(), authHeader: auth(), thirdPartyLogId: logId });
    expect(info).toMatchObject({ subject: 'Inbound call from Jane Customer', fullBody: '- Duration: 3 seconds\nTyped by a person' });
  });

  it('lists the CRM users, with email only when they have one', async () => {
    const users = await connector.getUserList({ ctx: ctx(), authHeader: auth() });
    expect(users).toHaveLength(5);
    expect(users[0]).toEqual({ id: 'usr_1001', name: 'Alice Anderson', email: 'alice.anderson@example.com' });
    expect(users.find((u) => u.id === 'usr_1004')).toEqual({ id: 'usr_1004', name: 'Dave Davis' });
  });

  describe('failures', () => {
    it('a wrong API key is AUTH_REVOKED, and the key stays out of the message', async () => {
      const wrong = ctx({ serverLoggingSettings: { apiKey: 'wrong-key-123' } });
      const error = await failure(connector.getUserList({ ctx: wrong, authHeader: auth(wrong) }));
      expect(error).toMatchObject({ code: 'AUTH_REVOKED', status: 401 });
      expect(error.message).not.toContain('wrong-key-123');
      expect(error.message).not.toContain(Buffer.from('wrong-key-123:').toString('base64'));
    });

    it('429 is RATE_LIMITED with the CRM Retry-After', async () => {
      crm.setKnobs({ rateLimit: { rejectNext: 1, retryAfterSeconds: 7 } });
      const error = await failure(connector.findContact({ ctx: ctx(), authHeader: auth(), phoneNumber: DEMO_NUMBERS.jane }));
      expect(error).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryAfterSeconds: 7 });
    });

    it('503 is TEMPORARY', async () => {
      crm.setKnobs({ outage: true });
      const error = await failure(connector.createCallLog(createArgs()));
      expect(error).toMatchObject({ code: 'TEMPORARY', status: 503 });
      expect(crm.activities()).toHaveLength(0);
    });

    it('a CRM slower than the timeout is TEMPORARY', async () => {
      const impatient = new SampleCrmConnector(new HttpConnectorClient({ defaultTimeoutMs: 50 }, OutboundGuard.allowingAll()));
      crm.setKnobs({ latencyMs: 400 });
      const error = await failure(impatient.findContact({ ctx: ctx(), authHeader: auth(), phoneNumber: DEMO_NUMBERS.jane }));
      expect(error.code).toBe('TEMPORARY');
      expect(error.status).toBeUndefined();
    });

    it('the caller aborting is TEMPORARY', async () => {
      crm.setKnobs({ latencyMs: 400 });
      const controller = new AbortController();
      const pending = connector.getUserList({ ctx: ctx({ signal: controller.signal }), authHeader: auth() });
      controller.abort();
      expect((await failure(pending)).code).toBe('TEMPORARY');
    });
  });

  describe('config and settings', () => {
    it('accepts an http(s) base URL', () => {
      expect(() => connector.validateConfig({ baseUrl: 'https://crm.example.com/api/' })).not.toThrow();
      expect(() => connector.validateConfig({ baseUrl: crm.apiUrl })).not.toThrow();
    });

    it.each([
      [undefined, 'config'],
      [[], 'config'],
      [{}, 'baseUrl'],
      [{ baseUrl: '' }, 'baseUrl'],
      [{ baseUrl: 42 }, 'baseUrl'],
      [{ baseUrl: 'not a url' }, 'baseUrl'],
      [{ baseUrl: 'ftp://crm.example.com' }, 'baseUrl'],
      [{ baseUrl: 'https://key:@crm.example.com/api' }, 'baseUrl'],
      [{ baseUrl: 'https://crm.example.com/api?key=1' }, 'baseUrl'],
    ])('rejects config %j at path %s', (config, path) => {
      let thrown: unknown;
      try {
        connector.validateConfig(config);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ConnectorConfigError);
      expect((thrown as ConnectorConfigError).path).toBe(path);
    });

    it('builds Basic auth from the API key and refuses a missing one', () => {
      expect(connector.getAuthHeader(ctx(), { apiKey: 'k1' })).toBe(`Basic ${Buffer.from('k1:').toString('base64')}`);
      expect(() => connector.getAuthHeader(ctx(), {})).toThrow(ConnectorConfigError);
      expect(() => connector.getAuthHeader(ctx(), { apiKey: '  ' })).toThrow(/serverLoggingSettings\.apiKey/);
    });

    it('publishes a text/plain manifest with a required password field and user mapping', () => {
      const manifest = connector.manifest({ baseUrl: crm.apiUrl });
      expect(manifest).toMatchObject({ name: 'sample-crm', logFormat: 'text/plain', serverSideLogging: { enableUserMapping: true } });
      expect(manifest.serverSideLogging.additionalFields).toEqual([expect.objectContaining({ const: 'apiKey', type: 'password', required: true })]);
      // A caller editing its copy does not change the next one.
      manifest.serverSideLogging.additionalFields.length = 0;
      expect(connector.manifest({}).serverSideLogging.additionalFields).toHaveLength(1);
    });

    it('returns the stored settings and validates updates against the manifest', async () => {
      await expect(connector.getServerLoggingSettings(ctx())).resolves.toEqual({ apiKey: DEMO_API_KEY });
      await expect(connector.updateServerLoggingSettings(ctx(), { apiKey: 'new-key' })).resolves.toMatchObject({ successful: true });
      await expect(connector.updateServerLoggingSettings(ctx(), {})).resolves.toEqual({ successful: false, returnMessage: 'API key is required' });
      await expect(connector.updateServerLoggingSettings(ctx(), { apiKey: ' ' })).resolves.toMatchObject({ successful: false });
      await expect(connector.updateServerLoggingSettings(ctx(), { apiKey: 5 })).resolves.toEqual({
        successful: false,
        returnMessage: 'API key must be text',
      });
      await expect(connector.updateServerLoggingSettings(ctx(), { apiKey: 'k', password: 'x' })).resolves.toEqual({
        successful: false,
        returnMessage: 'Unknown field: password',
      });
    });
  });

  it('keeps nothing between calls: two accounts with different CRMs and keys on one instance', async () => {
    const other = await startSampleCrm({ apiKeys: ['other-key'], data: { users: [{ id: 'usr_x', name: 'Other Owner' }] } });
    try {
      const otherCtx = ctx({ accountId: '2', config: { baseUrl: other.apiUrl }, serverLoggingSettings: { apiKey: 'other-key' } });
      const [mine, theirs] = await Promise.all([
        connector.getUserList({ ctx: ctx(), authHeader: auth() }),
        connector.getUserList({ ctx: otherCtx, authHeader: auth(otherCtx) }),
      ]);
      expect(mine.map((u) => u.id)).toContain('usr_1001');
      expect(theirs).toEqual([{ id: 'usr_x', name: 'Other Owner' }]);
    } finally {
      await other.close();
    }
  });
});
