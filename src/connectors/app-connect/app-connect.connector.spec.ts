import { Global, Module } from '@nestjs/common';
import { OutboundGuard } from '../../common/net/outbound-guard';
import { Test } from '@nestjs/testing';
import { createServer, type AddressInfo } from 'node:net';
import { type AppConnectServer, startAppConnectServer } from '../../../sim/app-connect';
import { ConnectorConfigError } from '../connector-config.error';
import { ConnectorRegistry } from '../connector.registry';
import { ConnectorError } from '../connector.error';
import { ConnectorsModule } from '../connectors.module';
import type { ConnectorContext, CreateCallLogArgs, RcCallLog } from '../crm-connector';
import { HttpConnectorClient } from '../http-connector.client';
import { APP_CONNECT_TOKEN_SINK, type AppConnectTokenSink } from './app-connect-token.sink';
import { AppConnectConnector, classifyAppConnectAnswer, decodeAppConnectLogId, encodeAppConnectLogId } from './app-connect.connector';

async function failure<T extends Error>(promise: Promise<unknown>, type: new (...args: any[]) => T): Promise<T> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a ${type.name}`);
}

/** A sink that remembers what it was given (and can be told to fail). */
class RecordingSink implements AppConnectTokenSink {
  saved: { accountId: string; jwt: string }[] = [];
  fail = false;
  async save(accountId: string, jwt: string): Promise<void> {
    if (this.fail) throw new Error('database down');
    this.saved.push({ accountId, jwt });
  }
}

describe('AppConnectConnector against an OpenAPI-validating App Connect server', () => {
  let server: AppConnectServer;
  const sink = new RecordingSink();
  const connector = new AppConnectConnector(new HttpConnectorClient(undefined, OutboundGuard.allowingAll()), sink);

  beforeAll(async () => {
    server = await startAppConnectServer({ users: [{ id: 'admin-1', serverLoggingSettings: { apiUsername: 'svc' } }, { id: 'admin-2' }] });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.reset();
    sink.saved = [];
    sink.fail = false;
  });
  // Every request the connector sent and every answer it got matched crm-server-openapi.json.
  afterEach(() => expect(server.validationFailures()).toEqual([]));

  const ctx = (config: Record<string, unknown> = {}): ConnectorContext => ({
    accountId: '37439510',
    hashedAccountId: 'hashed-37439510',
    config: { serverUrl: server.url, jwtToken: server.issueJwt(), ...config },
    serverLoggingSettings: {},
  });
  const auth = (c: ConnectorContext): string => connector.getAuthHeader(c, {});

  const callLog = (overrides: Partial<RcCallLog> = {}): RcCallLog => ({
    id: 'AWtZ47',
    sessionId: '17158772005',
    telephonySessionId: 's-a1b2c3',
    direction: 'Inbound',
    startTime: '2025-06-24T10:30:00.000Z',
    duration: 125,
    result: 'Accepted',
    from: { phoneNumber: '+16505550101', name: 'Jane Customer' },
    to: { phoneNumber: '+16505550100', extensionNumber: '101', extensionId: '62981001', name: 'Alice Anderson' },
    recording: { id: 'rec1', link: 'https://media.example.com/rec1' },
    ...overrides,
  });

  const createArgs = (c: ConnectorContext = ctx(), overrides: Partial<CreateCallLogArgs> = {}): CreateCallLogArgs => ({
    ctx: c,
    authHeader: auth(c),
    user: { id: 'usr_1001', name: 'Alice Anderson' },
    contactInfo: { id: 'c-101', name: 'Jane Customer', phoneNumber: '+16505550101', type: 'Contact' },
    callLog: callLog(),
    subject: 'Inbound call from Jane Customer',
    note: 'Asked about renewal',
    additionalSubmission: { isAssignedToUser: true, adminAssignedUserRcId: '62981001' },
    composedLogDetails: '- Duration: 2 minutes, 5 seconds',
    hashedAccountId: 'hashed-37439510',
    isFromSSCL: true,
    rcExtensionId: '62981001',
    idempotencyKey: 'leg-1',
    ...overrides,
  });

  describe('findContact (GET /contact)', () => {
    it('reads `contact`, drops the synthetic createNewContact entry, stringifies ids', async () => {
      const c = ctx();
      await expect(connector.findContact({ ctx: c, authHeader: auth(c), phoneNumber: '+16505550102' })).resolves.toEqual([
        {
          id: '202',
          name: 'John Prospect',
          phone: '(650) 555-0102',
          type: 'Lead',
          createdDate: '2024-02-11T10:00:00.000Z',
          mostRecentActivityDate: '2024-05-02T15:30:00.000Z',
          additionalInfo: {},
        },
      ]);
      const found = await connector.findContact({ ctx: c, authHeader: auth(c), phoneNumber: '+16505550105' });
      expect(found.map((m) => m.id)).toEqual(['c-103', 'c-104']);
    });

    it('returns [] when nobody has the number', async () => {
      const c = ctx();
      await expect(connector.findContact({ ctx: c, authHeader: auth(c), phoneNumber: '+16505550199' })).resolves.toEqual([]);
    });

    it('sends the bearer JWT, overridingFormat, and isExtension only when true', async () => {
      const c = ctx({ forceContactRefresh: true });
      await connector.findContact({ ctx: c, authHeader: auth(c), phoneNumber: '+16505550101', overridingFormat: '(***) ***-****' });
      await connector.findContact({ ctx: c, authHeader: auth(c), phoneNumber: '101', isExtension: true });
      const [first, second] = server.requests();
      expect(first!.headers.authorization).toBe(`Bearer ${(c.config as { jwtToken: string }).jwtToken}`);
      expect(first!.query).toEqual({ phoneNumber: '+16505550101', overridingFormat: '(***) ***-****', isForceRefreshAccountData: 'true' });
      expect(second!.query).toEqual({ phoneNumber: '101', isExtension: 'true', isForceRefreshAccountData: 'true' });
    });
  });

  it('createContact (POST /contact) creates a contact the next lookup finds', async () => {
    const c = ctx();
    const created = await connector.createContact({ ctx: c, authHeader: auth(c), phoneNumber: '+16505550199', newContactName: 'New Caller', newContactType: 'Lead' });
    expect(created).toMatchObject({ name: 'New Caller', type: 'Lead', phone: '+16505550199' });
    const found = await connector.findContact({ ctx: c, authHeader: auth(c), phoneNumber: '+16505550199' });
    expect(found.map((m) => m.id)).toEqual([created.id]);
    server.setKnobs({ successfulFalse: { message: 'Missing required field: company', operations: ['postContact'] } });
    const refused = await failure(connector.createContact({ ctx: c, authHeader: auth(c), phoneNumber: '+16505550198', newContactName: 'X' }), ConnectorError);
    expect(refused.code).toBe('VALIDATION');
  });

  describe('createCallLog (POST /callLog)', () => {
    it('logs as SSCL with the raw extension id, the call record and the contact', async () => {
      const { logId } = await connector.createCallLog(createArgs());
      const [log] = server.callLogs();
      expect(decodeAppConnectLogId(logId)).toEqual({ remoteLogId: String(log!.logId), sessionId: '17158772005', rcExtensionId: '62981001' });
      expect(log).toMatchObject({
        userAgent: 'SSCL',
        isFromSSCL: true,
        rcExtensionId: '62981001',
        extensionNumber: '101',
        sessionId: '17158772005',
        telephonySessionId: 's-a1b2c3',
        contactId: 'c-101',
        contactType: 'Contact',
        contactName: 'Jane Customer',
        subject: 'Inbound call from Jane Customer',
        note: 'Asked about renewal',
        accountId: '37439510',
        additionalSubmission: { isAssignedToUser: true, adminAssignedUserRcId: '62981001' },
      });
      // The server hashed the raw id itself, with its own key.
      expect(log!.hashedExtensionId).toMatch(/^[0-9a-f]{64}$/);
      expect(log!.logInfo).toMatchObject({
        id: 'AWtZ47',
        direction: 'Inbound',
        startTime: Date.parse('2025-06-24T10:30:00.000Z'),
        duration: 125,
        result: 'Accepted',
        customSubject: 'Inbound call from Jane Customer',
        recording: { id: 'rec1', link: 'https://media.example.com/rec1' },
      });
      expect(server.requests()[0]!.headers['rc-account-id']).toBeUndefined();
    });

    it('sends a record whose links are not URLs yet and whose duration is fractional, within the schema', async () => {
      await connector.createCallLog(createArgs(ctx(), { callLog: callLog({ recording: { link: 'pending' }, duration: 12.6 }) }));
      expect(server.callLogs()[0]!.logInfo).toMatchObject({ duration: 13 });
      expect(server.callLogs()[0]!.logInfo.recording).toBeUndefined();
    });

    it('a retry of a log App Connect already has returns that log (App Connect de-duplicates by session and extension)', async () => {
      const first = await connector.createCallLog(createArgs());
      const retry = await connector.createCallLog(createArgs());
      expect(retry.logId).toBe(first.logId);
      expect(server.callLogs()).toHaveLength(1);
      // Another extension on the same session is another log.
      const transfer = await connector.createCallLog(
        createArgs(ctx(), { rcExtensionId: '62981002', callLog: callLog({ to: { phoneNumber: '+16505550100', extensionNumber: '102', extensionId: '62981002' } }) }),
      );
      expect(transfer.logId).not.toBe(first.logId);
      expect(server.callLogs()).toHaveLength(2);
    });

    it('refuses a call without a contact before asking (App Connect needs one)', async () => {
      const error = await failure(connector.createCallLog(createArgs(ctx(), { contactInfo: { id: null, phoneNumber: '+16505550199' } })), ConnectorError);
      expect(error).toMatchObject({ code: 'VALIDATION', field: 'contactId' });
      expect(server.requests()).toHaveLength(0);
    });
  });

  describe('updateCallLog (PATCH /callLog)', () => {
    it('finds the log by the session and extension carried in its id, and sends only what is given', async () => {
      const { logId } = await connector.createCallLog(createArgs());
      const c = ctx();
      const result = await connector.updateCallLog({
        ctx: c,
        authHeader: auth(c),
        thirdPartyLogId: logId,
        user: { id: 'usr_1001' },
        note: 'Customer asked for a callback',
        composedLogDetails: 'not sent: App Connect composes',
        duration: 130,
        result: 'Call connected',
        recordingLink: 'https://media.example.com/rec9',
      });
      expect(result).toEqual({ updatedNote: 'Customer asked for a callback' });
      const [log] = server.callLogs();
      expect(log!.updates).toEqual([
        {
          sessionId: '17158772005',
          rcExtensionId: '62981001',
          accountId: '37439510',
          note: 'Customer asked for a callback',
          duration: 130,
          result: 'Call connected',
          recordingLink: 'https://media.example.com/rec9',
        },
      ]);
      expect(server.requests()[1]!.headers['user-agent']).toBe('SSCL');
    });

    it('can also find it from callLog.sessionId and the agent extension in the record', async () => {
      await connector.createCallLog(createArgs());
      const c = ctx();
      await connector.updateCallLog({ ctx: c, authHeader: auth(c), thirdPartyLogId: 'legacy-id', user: { id: 'u' }, callLog: callLog(), appendNote: 'more' });
      expect(server.callLogs()[0]!.updates[0]).toMatchObject({ sessionId: '17158772005', rcExtensionId: '62981001', note: 'more', startTime: Date.parse('2025-06-24T10:30:00.000Z') });
    });

    it('a session App Connect has no log for is NOT_FOUND; an id that names no session is VALIDATION', async () => {
      const c = ctx();
      const missing = await failure(
        connector.updateCallLog({ ctx: c, authHeader: auth(c), thirdPartyLogId: encodeAppConnectLogId('9', '999', '62981001'), user: { id: 'u' }, duration: 3 }),
        ConnectorError,
      );
      expect(missing.code).toBe('NOT_FOUND');
      const unknown = await failure(connector.updateCallLog({ ctx: c, authHeader: auth(c), thirdPartyLogId: 'x', user: { id: 'u' } }), ConnectorError);
      expect(unknown.code).toBe('VALIDATION');
    });
  });

  describe('server-logging settings, user list, licence', () => {
    it('reads and replaces the remote connector settings', async () => {
      await expect(connector.getServerLoggingSettings(ctx())).resolves.toEqual({ apiUsername: 'svc' });
      await expect(connector.updateServerLoggingSettings(ctx(), { apiUsername: 'svc2', apiPassword: 'pw' })).resolves.toEqual({
        successful: true,
        returnMessage: 'Server logging settings updated',
      });
      expect(server.serverLoggingSettings()).toEqual({ apiUsername: 'svc2', apiPassword: 'pw' });
      await expect(connector.getServerLoggingSettings(ctx())).resolves.toEqual({ apiUsername: 'svc2', apiPassword: 'pw' });
    });

    it('checks values against the remote fields the config lists before sending them; passes on a remote refusal', async () => {
      const fields = [{ const: 'apiUsername', title: 'API username', type: 'inputField', required: true }];
      const c = ctx({ additionalFields: fields });
      expect(connector.manifest(c.config).serverSideLogging.additionalFields).toEqual(fields);
      await expect(connector.updateServerLoggingSettings(c, { apiUsername: 'x', other: 'y' })).resolves.toEqual({ successful: false, returnMessage: 'Unknown field: other' });
      expect(server.requests()).toHaveLength(0);
      server.setKnobs({ successfulFalse: { message: 'Invalid credentials', operations: ['postAdminServerLoggingSettings'] } });
      await expect(connector.updateServerLoggingSettings(c, { apiUsername: 'x' })).resolves.toEqual({ successful: false, returnMessage: 'Invalid credentials' });
    });

    it('lists CRM users from /admin/userMapping with the RingCentral admin token', async () => {
      const c = ctx({ rcAccessToken: 'rc-admin-token' });
      await expect(connector.getUserList({ ctx: c, authHeader: auth(c) })).resolves.toEqual([
        { id: '88101', name: 'Ada Mapping', email: 'ada@example.com' },
        { id: 'u-2', name: 'Bob Brown', email: 'bob.brown@example.com' },
        { id: 'u-3', name: 'No Email' },
      ]);
      expect(server.requests()[0]).toMatchObject({ body: { rcExtensionList: [] }, headers: { 'x-rc-access-token': 'rc-admin-token' } });
    });

    it('getUserList without a RingCentral admin token is a config error; a token that is not an admin one is AUTH_REVOKED', async () => {
      const c = ctx();
      expect((await failure(connector.getUserList({ ctx: c, authHeader: auth(c) }), ConnectorConfigError)).path).toBe('rcAccessToken');
      const notAdmin = ctx({ rcAccessToken: 'agent-token' });
      expect(await failure(connector.getUserList({ ctx: notAdmin, authHeader: auth(notAdmin) }), ConnectorError)).toMatchObject({ code: 'AUTH_REVOKED', status: 403 });
    });

    it('reads the licence status', async () => {
      const c = ctx();
      await expect(connector.getLicenseStatus({ ctx: c, authHeader: auth(c) })).resolves.toEqual({ isLicenseValid: true, licenseStatus: 'Basic', licenseStatusDescription: '' });
    });
  });

  describe('JWT rotation', () => {
    it('hands a refreshed JWT to the sink', async () => {
      server.setKnobs({ refreshJwt: true });
      const c = ctx();
      await connector.findContact({ ctx: c, authHeader: auth(c), phoneNumber: '+16505550101' });
      expect(sink.saved).toHaveLength(1);
      expect(sink.saved[0]!.accountId).toBe('37439510');
      const fresh = sink.saved[0]!.jwt;
      expect(fresh).not.toBe((c.config as { jwtToken: string }).jwtToken);
      // The new token works.
      const next = ctx({ jwtToken: fresh });
      await expect(connector.getLicenseStatus({ ctx: next, authHeader: auth(next) })).resolves.toMatchObject({ isLicenseValid: true });
    });

    it('App Connect rotates a token that expires within 7 days on its own; a fresh token is not rotated', async () => {
      const young = ctx();
      await connector.getServerLoggingSettings(young);
      expect(sink.saved).toEqual([]);
      const old = ctx({ jwtToken: server.issueJwt({ expiresInSeconds: 3 * 24 * 3600 }) });
      await connector.createCallLog(createArgs(old));
      expect(sink.saved.map((s) => s.accountId)).toEqual(['37439510']);
    });

    it('a sink that fails does not fail the call', async () => {
      server.setKnobs({ refreshJwt: true });
      sink.fail = true;
      const { logId } = await connector.createCallLog(createArgs());
      expect(logId).toBeTruthy();
    });
  });

  describe('failures', () => {
    it.each([
      ['Rate limit exceeded', 'RATE_LIMITED'],
      ['Authorization error', 'AUTH_REVOKED'],
      ['User not found', 'AUTH_REVOKED'],
      ['Error creating call log', 'TEMPORARY'],
      ['Database operation failed', 'TEMPORARY'],
      ['Contact not found for number +16505550101', 'VALIDATION'],
    ])('successful:false "%s" is %s', async (message, code) => {
      server.setKnobs({ successfulFalse: { message } });
      const error = await failure(connector.createCallLog(createArgs()), ConnectorError);
      expect(error).toMatchObject({ code, connectorId: 'app-connect', operation: 'createCallLog' });
      expect(error.message).not.toContain('6505550101');
      if (code === 'RATE_LIMITED') expect(error.retryAfterSeconds).toBe(60);
      expect(server.callLogs()).toHaveLength(0);
    });

    it('classifies the other messages core sends', () => {
      expect(classifyAppConnectAnswer('User session expired. Please connect again.')).toBe('AUTH_REVOKED');
      expect(classifyAppConnectAnswer('Please go to Settings and authorize CRM platform')).toBe('AUTH_REVOKED');
      expect(classifyAppConnectAnswer('Error updating call log')).toBe('TEMPORARY');
      expect(classifyAppConnectAnswer('Not supported')).toBe('VALIDATION');
    });

    it('401 CRM_SESSION_REVOKED is AUTH_REVOKED', async () => {
      server.setKnobs({ revokeSession: true });
      const c = ctx();
      const error = await failure(connector.findContact({ ctx: c, authHeader: auth(c), phoneNumber: '+16505550101' }), ConnectorError);
      expect(error).toMatchObject({ code: 'AUTH_REVOKED', status: 401, crmError: 'CRM_SESSION_REVOKED' });
    });

    it('429 is RATE_LIMITED with its Retry-After', async () => {
      server.setKnobs({ rateLimit: { rejectNext: 1, retryAfterSeconds: 12 } });
      const error = await failure(connector.createCallLog(createArgs()), ConnectorError);
      expect(error).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryAfterSeconds: 12 });
      await expect(connector.createCallLog(createArgs())).resolves.toBeTruthy();
    });

    it('a JWT App Connect does not accept (HTTP 400 text) is AUTH_REVOKED; an expired one is refused before sending', async () => {
      const forged = ctx({ jwtToken: 'eyJhbGciOiJIUzI1NiJ9.eyJpZCI6ImFkbWluLTEiLCJleHAiOjk5OTk5OTk5OTl9.c2lnbmF0dXJl' });
      const rejected = await failure(connector.findContact({ ctx: forged, authHeader: auth(forged), phoneNumber: '+16505550101' }), ConnectorError);
      expect(rejected).toMatchObject({ code: 'AUTH_REVOKED', status: 400 });
      const expired = ctx({ jwtToken: server.issueJwt({ expiresInSeconds: -10 }) });
      expect(() => connector.getAuthHeader(expired, {})).toThrow(/jwtToken: the App Connect JWT expired/);
      expect(() => connector.validateConfig(expired.config)).toThrow(ConnectorConfigError);
    });

    it('a JWT whose App Connect user is gone: lookups find nothing, logging is AUTH_REVOKED', async () => {
      const orphan = ctx({ jwtToken: server.issueJwt({ userId: 'deleted-user' }) });
      await expect(connector.findContact({ ctx: orphan, authHeader: auth(orphan), phoneNumber: '+16505550101' })).resolves.toEqual([]);
      expect((await failure(connector.createCallLog(createArgs(orphan)), ConnectorError)).code).toBe('AUTH_REVOKED');
    });

    it('an unreachable server is TEMPORARY', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      const c = ctx({ serverUrl: `http://127.0.0.1:${port}` });
      expect((await failure(connector.getLicenseStatus({ ctx: c, authHeader: auth(c) }), ConnectorError)).code).toBe('TEMPORARY');
    });
  });

  describe('config', () => {
    it('accepts a server URL and a JWT, and builds Bearer auth from it', () => {
      const c = ctx();
      expect(() => connector.validateConfig(c.config)).not.toThrow();
      expect(() => connector.validateConfig({ serverUrl: 'https://unified-crm-extension.labs.ringcentral.com/', jwtToken: 'opaque-token' })).not.toThrow();
      expect(connector.getAuthHeader(c, {})).toBe(`Bearer ${(c.config as { jwtToken: string }).jwtToken}`);
      expect(connector.manifest({})).toMatchObject({ name: 'app-connect', logFormat: 'text/plain', serverSideLogging: { additionalFields: [], enableUserMapping: true } });
    });

    it.each([
      [undefined, 'config'],
      [{ jwtToken: 't' }, 'serverUrl'],
      [{ serverUrl: 'not a url', jwtToken: 't' }, 'serverUrl'],
      [{ serverUrl: 'ftp://ac.example.com', jwtToken: 't' }, 'serverUrl'],
      [{ serverUrl: 'https://u:p@ac.example.com', jwtToken: 't' }, 'serverUrl'],
      [{ serverUrl: 'https://ac.example.com?x=1', jwtToken: 't' }, 'serverUrl'],
      [{ serverUrl: 'https://ac.example.com' }, 'jwtToken'],
      [{ serverUrl: 'https://ac.example.com', jwtToken: '  ' }, 'jwtToken'],
      [{ serverUrl: 'https://ac.example.com', jwtToken: 'Bearer abc' }, 'jwtToken'],
      [{ serverUrl: 'https://ac.example.com', jwtToken: 't', rcAccessToken: '' }, 'rcAccessToken'],
      [{ serverUrl: 'https://ac.example.com', jwtToken: 't', forceContactRefresh: 'yes' }, 'forceContactRefresh'],
      [{ serverUrl: 'https://ac.example.com', jwtToken: 't', additionalFields: [{ const: 'apiKey', type: 'password', required: true }] }, 'additionalFields.0.title'],
    ])('refuses %j at %s', (config, path) => {
      let thrown: unknown;
      try {
        connector.validateConfig(config);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ConnectorConfigError);
      expect((thrown as ConnectorConfigError).path).toBe(path);
    });
  });
});

describe('AppConnectConnector in ConnectorsModule', () => {
  it('is registered, and gets APP_CONNECT_TOKEN_SINK from a global module when one provides it', async () => {
    const sink = new RecordingSink();
    @Global()
    @Module({ providers: [{ provide: APP_CONNECT_TOKEN_SINK, useValue: sink }], exports: [APP_CONNECT_TOKEN_SINK] })
    class SinkModule {}
    const moduleRef = await Test.createTestingModule({ imports: [SinkModule, ConnectorsModule] }).compile();
    const registry = moduleRef.get(ConnectorRegistry);
    expect(registry.ids()).toEqual(expect.arrayContaining(['sample-crm', 'proxy', 'app-connect']));
    expect((registry.get('app-connect') as unknown as { sink: AppConnectTokenSink }).sink).toBe(sink);
    await moduleRef.close();
  });

  it('works without a sink', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ConnectorsModule] }).compile();
    expect(moduleRef.get(ConnectorRegistry).get('app-connect')).toBeInstanceOf(AppConnectConnector);
    await moduleRef.close();
  });
});
