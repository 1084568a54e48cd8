import { readFileSync } from 'node:fs';
import { OutboundGuard } from '../../common/net/outbound-guard';
import { join } from 'node:path';
import { DEMO_API_KEY, DEMO_NUMBERS, type SampleCrm, startSampleCrm } from '../../../sim/crm';
import { ConnectorError } from '../connector.error';
import type { ConnectorContext, CreateCallLogArgs, RcCallLog } from '../crm-connector';
import { HttpConnectorClient } from '../http-connector.client';
import { ProxyConnector } from './proxy.connector';

const SAMPLE_CRM_PROXY_CONFIG = JSON.parse(readFileSync(join(process.cwd(), 'src/connectors/proxy/sample-crm.proxy-config.json'), 'utf8'));

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ConnectorError) return error;
    throw error;
  }
  throw new Error('expected a ConnectorError');
}

describe('sample-crm.proxy-config.json against the sample CRM', () => {
  let crm: SampleCrm;
  const connector = new ProxyConnector(new HttpConnectorClient(undefined, OutboundGuard.allowingAll()));

  beforeAll(async () => {
    crm = await startSampleCrm({ apiKeys: [DEMO_API_KEY], demoData: true });
  });
  afterAll(() => crm.close());
  beforeEach(() => crm.reset());

  const ctx = (settings: Record<string, string> = { baseUrl: crm.apiUrl, apiKey: DEMO_API_KEY }): ConnectorContext => ({
    accountId: '37439510',
    hashedAccountId: 'hashed-37439510',
    config: SAMPLE_CRM_PROXY_CONFIG,
    serverLoggingSettings: settings,
  });
  const auth = (c: ConnectorContext = ctx()): string => connector.getAuthHeader(c, { ...c.serverLoggingSettings });

  const callLog = (overrides: Partial<RcCallLog> = {}): RcCallLog => ({
    sessionId: '17158772005',
    telephonySessionId: 's-a1b2c3',
    direction: 'Inbound',
    startTime: '2025-06-24T10:30:00.000Z',
    duration: 125,
    result: 'Accepted',
    from: { phoneNumber: DEMO_NUMBERS.jane, name: 'Jane Customer' },
    to: { phoneNumber: '+16505550100', extensionNumber: '101', extensionId: '62981001' },
    recording: { id: 'rec1', link: 'https://media.example.com/rec1' },
    ...overrides,
  });

  const createArgs = (overrides: Partial<CreateCallLogArgs> = {}): CreateCallLogArgs => ({
    ctx: ctx(),
    authHeader: auth(),
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
  });

  it('is a valid config whose manifest asks for the base URL and the API key', () => {
    expect(() => connector.validateConfig(SAMPLE_CRM_PROXY_CONFIG)).not.toThrow();
    const manifest = connector.manifest(SAMPLE_CRM_PROXY_CONFIG);
    expect(manifest).toMatchObject({ name: 'sample-crm-proxy', displayName: 'Sample CRM (proxy)', logFormat: 'text/plain', serverSideLogging: { enableUserMapping: true } });
    expect(manifest.serverSideLogging.additionalFields.map((f) => [f.const, f.type, f.required])).toEqual([
      ['baseUrl', 'inputField', true],
      ['apiKey', 'password', true],
    ]);
    expect(auth()).toBe(`Basic ${Buffer.from(`${DEMO_API_KEY}:`).toString('base64')}`);
  });

  it('finds contacts stored in other formats, with types and dates', async () => {
    await expect(connector.findContact({ ctx: ctx(), authHeader: auth(), phoneNumber: DEMO_NUMBERS.jane })).resolves.toEqual([
      {
        id: 'con_2001',
        name: 'Jane Customer',
        phone: '+1 (650) 555-0101',
        type: 'Contact',
        createdDate: '2024-01-10T09:00:00.000Z',
        mostRecentActivityDate: '2024-05-02T15:30:00.000Z',
      },
    ]);
    const duplicates = await connector.findContact({ ctx: ctx(), authHeader: auth(), phoneNumber: DEMO_NUMBERS.duplicate });
    expect(duplicates.map((c) => [c.id, c.type])).toEqual([
      ['con_2004', 'Contact'],
      ['con_2005', 'Lead'],
    ]);
    await expect(connector.findContact({ ctx: ctx(), authHeader: auth(), phoneNumber: DEMO_NUMBERS.unknown })).resolves.toEqual([]);
  });

  it('creates a contact', async () => {
    const created = await connector.createContact({
      ctx: ctx(),
      authHeader: auth(),
      phoneNumber: DEMO_NUMBERS.unknown,
      newContactName: 'New Caller',
      newContactType: 'Lead',
      idempotencyKey: 'contact:leg-1',
    });
    expect(created).toMatchObject({ name: 'New Caller', type: 'Lead', phone: DEMO_NUMBERS.unknown });
    const found = await connector.findContact({ ctx: ctx(), authHeader: auth(), phoneNumber: DEMO_NUMBERS.unknown });
    expect(found.map((c) => c.id)).toEqual([created.id]);
  });

  it('creates an activity with every mapped field', async () => {
    const { logId } = await connector.createCallLog(createArgs({ note: 'VIP' }));
    expect(crm.activities()).toEqual([
      expect.objectContaining({
        id: logId,
        subject: 'Inbound call from Jane Customer',
        body: '- Summary: Inbound call from Jane Customer\n- Duration: 2 minutes, 5 seconds',
        note: 'VIP',
        ownerId: 'usr_1001',
        contactId: 'con_2001',
        direction: 'Inbound',
        startTime: '2025-06-24T10:30:00.000Z',
        endTime: '2025-06-24T10:32:05.000Z',
        duration: 125,
        result: 'Accepted',
        externalId: 's-a1b2c3:62981001',
        recordingUrl: 'https://media.example.com/rec1',
      }),
    ]);
  });

  it('logs without a contact and without a recording (missing values drop out)', async () => {
    const { logId } = await connector.createCallLog(
      createArgs({ contactInfo: { id: null, phoneNumber: DEMO_NUMBERS.unknown }, callLog: callLog({ recording: undefined }) }),
    );
    expect(crm.activities()).toEqual([expect.objectContaining({ id: logId, contactId: null, recordingUrl: null })]);
  });

  it('sends the idempotency key: a retry of the same log creates nothing new', async () => {
    const first = await connector.createCallLog(createArgs());
    const second = await connector.createCallLog(createArgs());
    expect(second.logId).toBe(first.logId);
    expect(crm.activities()).toHaveLength(1);

    crm.setKnobs({ lostResponseRate: 1 });
    const lost = await failure(connector.createCallLog(createArgs({ idempotencyKey: 'other-leg', rcExtensionId: '62981002' })));
    expect(lost.code).toBe('TEMPORARY');
    crm.setKnobs({ lostResponseRate: 0 });
    await connector.createCallLog(createArgs({ idempotencyKey: 'other-leg', rcExtensionId: '62981002' }));
    expect(crm.activities()).toHaveLength(2);
  });

  it('updates an activity with only what is given', async () => {
    const { logId } = await connector.createCallLog(createArgs({ callLog: callLog({ recording: undefined, duration: 0 }) }));
    await connector.updateCallLog({
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
    expect(crm.activities()[0]).toMatchObject({
      subject: 'Inbound call from Jane Customer',
      body: '- Duration: 2 minutes, 10 seconds',
      note: 'Customer asked for a callback',
      duration: 130,
      result: 'Call connected',
      recordingUrl: 'https://media.example.com/rec9',
      endTime: '2025-06-24T10:32:10.000Z',
    });
  });

  it('reads the log as the CRM holds it now (getCallLog), a person\'s edits included', async () => {
    const { logId } = await connector.createCallLog(createArgs());
    await connector.updateCallLog({ ctx: ctx(), authHeader: auth(), thirdPartyLogId: logId, user: { id: 'usr_1001' }, composedLogDetails: '- Duration: 3 seconds\nTyped by a person' });
    const info = await connector.getCallLog!({ ctx: ctx(), authHeader: auth(), thirdPartyLogId: logId });
    expect(info).toMatchObject({ subject: 'Inbound call from Jane Customer', fullBody: '- Duration: 3 seconds\nTyped by a person' });
  });

  it('updating an activity that does not exist is NOT_FOUND', async () => {
    const error = await failure(connector.updateCallLog({ ctx: ctx(), authHeader: auth(), thirdPartyLogId: 'act_nope', user: { id: 'usr_1001' }, duration: 3 }));
    expect(error).toMatchObject({ code: 'NOT_FOUND', status: 404, connectorId: 'proxy', operation: 'updateCallLog' });
  });

  it('lists the CRM users', async () => {
    const users = await connector.getUserList({ ctx: ctx(), authHeader: auth() });
    expect(users).toHaveLength(5);
    expect(users[0]).toEqual({ id: 'usr_1001', name: 'Alice Anderson', email: 'alice.anderson@example.com' });
    expect(users.find((u) => u.id === 'usr_1004')).toEqual({ id: 'usr_1004', name: 'Dave Davis' });
  });

  it('maps CRM failures: wrong key AUTH_REVOKED, 429 RATE_LIMITED, unknown owner VALIDATION on its field', async () => {
    const wrong = ctx({ baseUrl: crm.apiUrl, apiKey: 'wrong-key-123' });
    const denied = await failure(connector.getUserList({ ctx: wrong, authHeader: auth(wrong) }));
    expect(denied).toMatchObject({ code: 'AUTH_REVOKED', status: 401 });
    expect(denied.message).not.toContain('wrong-key-123');

    crm.setKnobs({ rateLimit: { rejectNext: 1, retryAfterSeconds: 7 } });
    const limited = await failure(connector.findContact({ ctx: ctx(), authHeader: auth(), phoneNumber: DEMO_NUMBERS.jane }));
    expect(limited).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 7 });

    const invalid = await failure(connector.createCallLog(createArgs({ user: { id: 'usr_9999' } })));
    expect(invalid).toMatchObject({ code: 'VALIDATION', status: 400, field: 'ownerId' });
  });
});
