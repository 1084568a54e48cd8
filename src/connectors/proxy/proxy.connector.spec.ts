import { readFileSync } from 'node:fs';
import { OutboundGuard } from '../../common/net/outbound-guard';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ConnectorConfigError } from '../connector-config.error';
import { ConnectorError } from '../connector.error';
import type { ConnectorContext, CreateCallLogArgs, RcCallLog } from '../crm-connector';
import { HttpConnectorClient } from '../http-connector.client';
import type { ProxyConfig } from './proxy-config.types';
import { joinUrl, operationUrl, ProxyConnector, isoDate } from './proxy.connector';

const fixture = (): Record<string, any> =>
  JSON.parse(readFileSync(join(process.cwd(), 'src/connectors/proxy/__fixtures__/proxy-config-sample.json'), 'utf8'));

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: any;
}

interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
}

/** A tiny HTTP CRM: every request is recorded and answered by `route`. */
async function startTinyCrm(route: (req: Seen) => Reply) {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const request: Seen = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body: raw ? JSON.parse(raw) : undefined };
      seen.push(request);
      const reply = route(request);
      setTimeout(() => {
        res.writeHead(reply.status ?? 200, { 'Content-Type': 'application/json', ...reply.headers });
        res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
      }, reply.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function failure<T extends Error>(promise: Promise<unknown>, type: new (...args: any[]) => T): Promise<T> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a ${type.name}`);
}

const callLog = (overrides: Partial<RcCallLog> = {}): RcCallLog => ({
  sessionId: '17158772005',
  telephonySessionId: 's-a1b2c3',
  direction: 'Inbound',
  startTime: '2025-06-24T10:30:00.000Z',
  duration: 125,
  result: 'Accepted',
  from: { phoneNumber: '+16505550101', name: 'Jane' },
  to: { phoneNumber: '+16505550100', extensionId: '62981001', extensionNumber: '101' },
  ...overrides,
});

describe('ProxyConnector', () => {
  const connector = new ProxyConnector(new HttpConnectorClient(undefined, OutboundGuard.allowingAll()));
  const ctxFor = (config: unknown, serverLoggingSettings: Record<string, string>, overrides: Partial<ConnectorContext> = {}): ConnectorContext => ({
    accountId: '37439510',
    hashedAccountId: 'hashed-37439510',
    config: config as ConnectorContext['config'],
    serverLoggingSettings,
    ...overrides,
  });
  const createArgs = (ctx: ConnectorContext, overrides: Partial<CreateCallLogArgs> = {}): CreateCallLogArgs => ({
    ctx,
    authHeader: connector.getAuthHeader(ctx, { ...ctx.serverLoggingSettings }),
    user: { id: 'usr_1001', name: 'Alice Anderson', email: 'alice@example.com' },
    contactInfo: { id: 'c-17', name: 'Jane', phoneNumber: '+16505550101', type: 'Contact' },
    callLog: callLog(),
    subject: 'Inbound call from Jane',
    note: 'Call me back',
    additionalSubmission: { isAssignedToUser: true, adminAssignedUserRcId: '62981001' },
    composedLogDetails: '- Duration: 2 minutes, 5 seconds',
    hashedAccountId: 'hashed-37439510',
    isFromSSCL: true,
    rcExtensionId: '62981001',
    idempotencyKey: 'leg-1',
    ...overrides,
  });

  describe("App Connect's sample config, unchanged, against a CRM speaking its API", () => {
    let crm: Awaited<ReturnType<typeof startTinyCrm>>;
    const settings = (): Record<string, string> => ({ apiKey: 'sample-key', secretKey: 's3cret', baseUrl: crm.url });
    const ctx = (): ConnectorContext => ctxFor(fixture(), settings());

    beforeAll(async () => {
      crm = await startTinyCrm((req) => {
        if (req.method === 'GET' && req.path === '/contacts') {
          return req.query.get('phone') === '+16505550101'
            ? { body: { contacts: [{ id: 17, name: 'Jane Customer', type: 'Lead', phone: '650-555-0101', createdDate: 1704877200 }, { name: 'no id' }] } }
            : { body: { contacts: [] } };
        }
        if (req.method === 'POST' && req.path === '/contacts') return { body: { id: 99, name: req.body.name, type: req.body.type } };
        if (req.method === 'POST' && req.path === '/activities') return { status: 201, body: { activity: { id: 555 } } };
        if (req.method === 'PUT' && req.path === '/activities/555') return { body: { activity: { id: 555 } } };
        return { status: 404, body: { error: 'not_found' } };
      });
    });
    afterAll(() => crm.close());
    beforeEach(() => {
      crm.seen.length = 0;
    });

    it('loads, and asks for the settings its templates use', () => {
      expect(() => connector.validateConfig(fixture())).not.toThrow();
      const manifest = connector.manifest(fixture());
      expect(manifest).toMatchObject({ name: 'proxy', displayName: 'Proxy connector', logFormat: 'text/plain', serverSideLogging: { enableUserMapping: false } });
      expect(manifest.serverSideLogging.additionalFields).toEqual([
        { const: 'apiKey', title: 'API key', type: 'password', required: true },
        { const: 'secretKey', title: 'Secret key', type: 'password', required: true },
        expect.objectContaining({ const: 'baseUrl', title: 'API base URL', type: 'inputField', required: true }),
      ]);
    });

    it('findContact sends the phone number, its headers and auth, and maps the list', async () => {
      const c = ctx();
      const found = await connector.findContact({ ctx: c, authHeader: connector.getAuthHeader(c, settings()), phoneNumber: '+16505550101' });
      expect(found).toEqual([{ id: '17', name: 'Jane Customer', type: 'Lead', phone: '650-555-0101', createdDate: '2024-01-10T09:00:00.000Z' }]);
      const [req] = crm.seen;
      expect(req).toMatchObject({ method: 'GET', path: '/contacts' });
      expect(req!.query.get('phone')).toBe('+16505550101');
      // credentialTemplate "{{apiKey}}" (no colon), base64, after "Basic".
      expect(req!.headers.authorization).toBe(`Basic ${Buffer.from('sample-key').toString('base64')}`);
      expect(req!.headers['x-secret-key']).toBe('s3cret');
      expect(req!.headers.accept).toBe('application/json');
    });

    it('findContact returns [] when nobody has the number', async () => {
      const c = ctx();
      await expect(connector.findContact({ ctx: c, authHeader: connector.getAuthHeader(c, settings()), phoneNumber: '+16505550199' })).resolves.toEqual([]);
    });

    it('createContact maps the created contact', async () => {
      const c = ctx();
      const created = await connector.createContact({
        ctx: c,
        authHeader: connector.getAuthHeader(c, settings()),
        phoneNumber: '+16505550199',
        newContactName: 'New Caller',
        newContactType: 'Lead',
      });
      expect(created).toEqual({ id: '99', name: 'New Caller', type: 'Lead', phone: '+16505550199' });
      expect(crm.seen[0]!.body).toEqual({ name: 'New Caller', type: 'Lead', phone: '+16505550199' });
    });

    it('createCallLog renders the body (types kept, times computed) and maps the id', async () => {
      const { logId } = await connector.createCallLog(createArgs(ctx()));
      expect(logId).toBe('555');
      const [req] = crm.seen;
      expect(req).toMatchObject({ method: 'POST', path: '/activities' });
      expect(req!.headers['content-type']).toBe('application/json');
      expect(req!.body).toEqual({
        subject: 'Inbound call from Jane',
        description: '- Duration: 2 minutes, 5 seconds',
        start_date: '2025-06-24T10:30:00.000Z',
        end_date: '2025-06-24T10:32:05.000Z',
        activity_code_id: 3,
        repeats: 'never',
        linked_contacts: [{ contact_id: 'c-17' }],
      });
    });

    it('updateCallLog sends PUT to the log id with the new details', async () => {
      const c = ctx();
      await expect(
        connector.updateCallLog({
          ctx: c,
          authHeader: connector.getAuthHeader(c, settings()),
          thirdPartyLogId: '555',
          user: { id: 'usr_1001' },
          subject: 'Inbound call from Jane',
          composedLogDetails: '- Duration: 2 minutes, 10 seconds',
          callLog: { startTime: '2025-06-24T10:30:00.000Z' },
          duration: 130,
        }),
      ).resolves.toEqual({});
      const [req] = crm.seen;
      expect(req).toMatchObject({ method: 'PUT', path: '/activities/555' });
      expect(req!.body).toEqual({
        subject: 'Inbound call from Jane',
        description: '- Duration: 2 minutes, 10 seconds',
        start_date: '2025-06-24T10:30:00.000Z',
        end_date: '2025-06-24T10:32:10.000Z',
      });
    });

    it('getUserList: the sample has no getUserList operation, so [] without asking the CRM', async () => {
      const c = ctx();
      await expect(connector.getUserList({ ctx: c, authHeader: connector.getAuthHeader(c, settings()) })).resolves.toEqual([]);
      expect(crm.seen).toHaveLength(0);
    });

    it('getLicenseStatus without an operation is valid, as in App Connect', async () => {
      const c = ctx();
      await expect(connector.getLicenseStatus({ ctx: c, authHeader: 'x' })).resolves.toEqual({ isLicenseValid: true, licenseStatus: 'Basic', licenseStatusDescription: '' });
    });

    it('without the baseUrl setting a relative operation cannot be sent', async () => {
      const c = ctxFor(fixture(), { apiKey: 'k', secretKey: 's' });
      const error = await failure(connector.findContact({ ctx: c, authHeader: 'Basic x', phoneNumber: '+16505550101' }), ConnectorConfigError);
      expect(error.path).toBe('serverLoggingSettings.baseUrl');
    });
  });

  describe('a config with every operation, against a CRM of its own', () => {
    let crm: Awaited<ReturnType<typeof startTinyCrm>>;
    let reply: (req: Seen) => Reply;
    const config = (): Record<string, any> => ({
      meta: { name: 'tiny', displayName: 'Tiny CRM', logFormat: 'text/markdown' },
      auth: { scheme: 'Bearer', credentialTemplate: '{{apiToken}}', encode: 'none', headerName: 'X-Api-Token' },
      requestDefaults: { baseUrl: `${crm.url}/v2/`, defaultHeaders: { 'X-Account': '{{hashedAccountId}}', 'X-Region': '{{region}}' } },
      operations: {
        findContact: {
          url: '/people/search',
          query: { q: '{{parsedPhoneNumber.number.national}}', ext: '{{isExtension}}', missing: '{{callLog.recording.link}}' },
          responseMapping: {
            listPath: 'body.data.people',
            item: { idPath: 'ref', namePath: 'display.name', createdDatePath: 'created', mostRecentActivityDatePath: 'touched', additionalInfoPath: 'extra' },
          },
        },
        createCallLog: {
          method: 'post',
          url: '/calls',
          headers: { 'Idempotency-Key': '{{idempotencyKey}}' },
          body: {
            who: '{{user.email}}',
            sscl: '{{isFromSSCL}}',
            duration: '{{callLog.duration}}',
            from: '{{callLog.from.phoneNumber}}',
            assigned: '{{additionalSubmission.isAssignedToUser}}',
            rc: '{{additionalSubmission.adminAssignedUserRcId}}',
            text: 'Call with {{contactInfo.name}} ({{contactInfo.type}}) lasting {{duration}}s{{callLog.recording.link}}',
            recording: '{{callLog.recording.link}}',
          },
          responseMapping: { idPath: 'body.call.0.id' },
        },
        updateCallLog: {
          method: 'PATCH',
          url: '/calls/{{thirdPartyLogId}}',
          auth: { type: 'apiKey', scheme: 'Token', credentialTemplate: 'user={{user.id}}', encode: 'none' },
          body: { note: '{{appendNote}}', result: '{{result}}', link: '{{recordingLink}}' },
        },
        getUserList: { url: 'https://users.invalid.example/ignored', responseMapping: { listPath: 'body', idPath: 'uid', namePath: 'n', emailPath: 'e' } },
        getLicenseStatus: { url: '/license', responseMapping: { isLicenseValidPath: 'body.ok', licenseStatusPath: 'body.plan' } },
      },
    });
    const settings = { apiToken: 'tok-1', region: 'eu' };

    beforeAll(async () => {
      crm = await startTinyCrm((req) => reply(req));
    });
    afterAll(() => crm.close());
    beforeEach(() => {
      crm.seen.length = 0;
      reply = () => ({ body: {} });
    });

    it('derives the settings fields from the templates that are not context variables', () => {
      expect(connector.manifest(config()).serverSideLogging.additionalFields).toEqual([
        { const: 'apiToken', title: 'API token', type: 'password', required: true },
        { const: 'region', title: 'Region', type: 'inputField', required: true },
      ]);
      expect(connector.manifest(config())).toMatchObject({ name: 'tiny', displayName: 'Tiny CRM', logFormat: 'text/markdown', serverSideLogging: { enableUserMapping: true } });
    });

    it('findContact: custom auth header, templated default headers, joined URL, nested mapping, epoch and ISO dates', async () => {
      reply = () => ({
        body: {
          data: {
            people: [
              { ref: 'p1', display: { name: 'Jane' }, created: 1704877200000, touched: '2024-05-02T15:30:00Z', extra: { owner: 'x' } },
              { ref: 'p2', display: {}, created: 'not a date' },
            ],
          },
        },
      });
      const ctx = ctxFor(config(), settings);
      const found = await connector.findContact({ ctx, authHeader: connector.getAuthHeader(ctx, settings), phoneNumber: '+16505550101', isExtension: false });
      expect(found).toEqual([
        { id: 'p1', name: 'Jane', type: 'Contact', createdDate: '2024-01-10T09:00:00.000Z', mostRecentActivityDate: '2024-05-02T15:30:00.000Z', additionalInfo: { owner: 'x' } },
        { id: 'p2', name: '', type: 'Contact' },
      ]);
      const [req] = crm.seen;
      expect(req!.path).toBe('/v2/people/search');
      expect(Object.fromEntries(req!.query)).toEqual({ q: '(650) 555-0101', ext: 'false' });
      expect(req!.headers['x-api-token']).toBe('Bearer tok-1');
      expect(req!.headers.authorization).toBeUndefined();
      expect(req!.headers['x-account']).toBe('hashed-37439510');
      expect(req!.headers['x-region']).toBe('eu');
    });

    it('createCallLog: every documented variable, idempotency header, lone values keep their types, missing ones drop out', async () => {
      reply = () => ({ body: { call: [{ id: 7 }] } });
      const ctx = ctxFor(config(), settings);
      const { logId } = await connector.createCallLog(createArgs(ctx));
      expect(logId).toBe('7');
      const [req] = crm.seen;
      expect(req!.headers['idempotency-key']).toBe('leg-1');
      expect(req!.body).toEqual({
        who: 'alice@example.com',
        sscl: true,
        duration: 125,
        from: '+16505550101',
        assigned: true,
        rc: '62981001',
        text: 'Call with Jane (Contact) lasting 125s',
      });
    });

    it('updateCallLog: an operation auth rendered from the operation context replaces the default, the id percent-encoded in the URL', async () => {
      const ctx = ctxFor(config(), settings);
      await connector.updateCallLog({
        ctx,
        authHeader: connector.getAuthHeader(ctx, settings),
        thirdPartyLogId: 'a/b c',
        user: { id: 'usr_9' },
        appendNote: 'called back',
        result: 'Call connected',
        recordingLink: 'https://media.example.com/r1',
      });
      const [req] = crm.seen;
      expect(req).toMatchObject({ method: 'PATCH', path: '/v2/calls/a%2Fb%20c' });
      // An operation's auth replaces the document's whole auth block (App Connect: operation.auth || config.auth),
      // so without its own headerName it goes to Authorization.
      expect(req!.headers.authorization).toBe('Token user=usr_9');
      expect(req!.headers['x-api-token']).toBeUndefined();
      expect(req!.body).toEqual({ note: 'called back', result: 'Call connected', link: 'https://media.example.com/r1' });
    });

    it('getUserList and getLicenseStatus map their answers', async () => {
      const ctx = ctxFor({ ...config(), operations: { ...config().operations, getUserList: { url: '/users', responseMapping: { listPath: 'body', idPath: 'uid', namePath: 'n', emailPath: 'e' } } } }, settings);
      reply = (req) =>
        req.path === '/v2/users'
          ? { body: [{ uid: 1, n: 'Ada', e: 'ada@example.com' }, { uid: 2, n: 'Bob' }, { n: 'no id' }] }
          : { body: { ok: true, plan: 'Pro' } };
      await expect(connector.getUserList({ ctx, authHeader: connector.getAuthHeader(ctx, settings) })).resolves.toEqual([
        { id: '1', name: 'Ada', email: 'ada@example.com' },
        { id: '2', name: 'Bob' },
      ]);
      await expect(connector.getLicenseStatus({ ctx, authHeader: connector.getAuthHeader(ctx, settings) })).resolves.toEqual({
        isLicenseValid: true,
        licenseStatus: 'Pro',
        licenseStatusDescription: '',
      });
    });

    it('a mapping that does not fit the answer is a config error naming the mapping', async () => {
      const ctx = ctxFor(config(), settings);
      reply = () => ({ body: { data: { people: { ref: 'not a list' } } } });
      const notAList = await failure(connector.findContact({ ctx, authHeader: 'x', phoneNumber: '+16505550101' }), ConnectorConfigError);
      expect(notAList.path).toBe('operations.findContact.responseMapping.listPath');
      reply = () => ({ body: { call: [] } });
      const noId = await failure(connector.createCallLog(createArgs(ctx)), ConnectorConfigError);
      expect(noId.path).toBe('operations.createCallLog.responseMapping.idPath');
    });

    it('CRM failures keep their codes: 429 RATE_LIMITED, 503 TEMPORARY, 401 AUTH_REVOKED, 422 VALIDATION', async () => {
      const ctx = ctxFor(config(), settings);
      const find = () => connector.findContact({ ctx, authHeader: 'x', phoneNumber: '+16505550101' });
      reply = () => ({ status: 429, headers: { 'Retry-After': '9' }, body: { error: 'slow_down' } });
      expect(await failure(find(), ConnectorError)).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 9, connectorId: 'proxy', operation: 'findContact' });
      reply = () => ({ status: 503 });
      expect((await failure(find(), ConnectorError)).code).toBe('TEMPORARY');
      reply = () => ({ status: 401, body: { error: 'bad_token' } });
      expect((await failure(find(), ConnectorError)).code).toBe('AUTH_REVOKED');
      reply = () => ({ status: 422, body: { error: 'invalid', field: 'who' } });
      expect(await failure(connector.createCallLog(createArgs(ctx)), ConnectorError)).toMatchObject({ code: 'VALIDATION', field: 'who' });
    });

    it('honours requestDefaults.timeoutSeconds', async () => {
      const doc = config();
      doc.requestDefaults.timeoutSeconds = 0.05;
      reply = () => ({ delayMs: 400, body: { data: { people: [] } } });
      const error = await failure(connector.findContact({ ctx: ctxFor(doc, settings), authHeader: 'x', phoneNumber: '+16505550101' }), ConnectorError);
      expect(error.code).toBe('TEMPORARY');
    });

    it('createContact without an operation fails this call only (VALIDATION)', async () => {
      const ctx = ctxFor(config(), settings);
      const error = await failure(connector.createContact({ ctx, authHeader: 'x', phoneNumber: '+16505550199', newContactName: 'N' }), ConnectorError);
      expect(error.code).toBe('VALIDATION');
      expect(crm.seen).toHaveLength(0);
    });
  });

  describe('auth', () => {
    const withAuth = (auth: unknown): Record<string, any> => ({ ...fixture(), auth });

    it('credentialTemplate, base64 by default, after the scheme', () => {
      const config = withAuth({ scheme: 'Basic', credentialTemplate: '{{apiUsername}}:{{apiPassword}}' });
      expect(connector.getAuthHeader(ctxFor(config, {}), { apiUsername: 'svc', apiPassword: 'pw' })).toBe(`Basic ${Buffer.from('svc:pw').toString('base64')}`);
    });

    it('encode none, and no scheme', () => {
      expect(connector.getAuthHeader(ctxFor(withAuth({ credentialTemplate: '{{apiKey}}', encode: 'none' }), {}), { apiKey: 'raw' })).toBe('raw');
      expect(connector.getAuthHeader(ctxFor(withAuth({ scheme: 'Bearer', credentialTemplate: '{{apiKey}}', encode: 'none' }), {}), { apiKey: 'k' })).toBe('Bearer k');
    });

    it('no template: apiKey is App Connect basic auth (apiKey:), oauth is Bearer + the accessToken setting', () => {
      expect(connector.getAuthHeader(ctxFor(withAuth({ type: 'apiKey' }), {}), { apiKey: 'k1' })).toBe(`Basic ${Buffer.from('k1:').toString('base64')}`);
      expect(connector.getAuthHeader(ctxFor(withAuth(undefined), {}), { apiKey: 'k1' })).toBe(`Basic ${Buffer.from('k1:').toString('base64')}`);
      expect(connector.getAuthHeader(ctxFor(withAuth({ type: 'oauth' }), {}), { accessToken: 'at' })).toBe('Bearer at');
      expect(connector.manifest(withAuth({ type: 'oauth' })).serverSideLogging.additionalFields.map((f) => f.const)).toEqual(['secretKey', 'accessToken', 'baseUrl']);
    });

    it('a missing or blank setting the credential needs is a config error on that setting', () => {
      const config = withAuth({ scheme: 'Basic', credentialTemplate: '{{apiKey}}:' });
      expect(() => connector.getAuthHeader(ctxFor(config, {}), {})).toThrow(ConnectorConfigError);
      expect(() => connector.getAuthHeader(ctxFor(config, {}), { apiKey: ' ' })).toThrow(/serverLoggingSettings\.apiKey: is not set/);
      expect(() => connector.getAuthHeader(ctxFor(withAuth({ type: 'oauth' }), {}), {})).toThrow(/serverLoggingSettings\.accessToken/);
    });

    it('an invalid document fails getAuthHeader with its path but still has a bare manifest', () => {
      const broken = { ...fixture(), meta: { logFormat: 'text/rtf' } };
      expect(() => connector.getAuthHeader(ctxFor(broken, {}), { apiKey: 'k' })).toThrow(/meta\.logFormat/);
      expect(connector.manifest(broken)).toMatchObject({ name: 'proxy', serverSideLogging: { additionalFields: [], enableUserMapping: false } });
    });
  });

  describe('URLs', () => {
    const doc = (baseUrl: string | undefined): ProxyConfig => ({ ...fixture(), requestDefaults: { baseUrl } }) as ProxyConfig;

    it.each([
      ['https://crm.example.com/api', '/contacts', 'https://crm.example.com/api/contacts'],
      ['https://crm.example.com/api/', '/contacts', 'https://crm.example.com/api/contacts'],
      ['https://crm.example.com/api//', 'contacts', 'https://crm.example.com/api/contacts'],
      ['https://crm.example.com/api', 'contacts', 'https://crm.example.com/api/contacts'],
      ['https://crm.example.com/api', '', 'https://crm.example.com/api'],
    ])('joins %s and %s with exactly one slash', (base, path, expected) => {
      expect(joinUrl(base, path)).toBe(expected);
    });

    it('keeps absolute operation URLs, renders a templated base, falls back to the baseUrl setting', () => {
      const context = { hostname: 'acme.crm.example', baseUrl: 'https://from-settings.example/api', id: 'x/1' };
      expect(operationUrl(doc('https://ignored.example'), { url: 'https://other.example/v1/{{id}}' }, context, 'operations.op')).toBe('https://other.example/v1/x%2F1');
      expect(operationUrl(doc('https://{{hostname}}/api/'), { url: '/items/{{id}}' }, context, 'operations.op')).toBe('https://acme.crm.example/api/items/x%2F1');
      expect(operationUrl(doc(''), { url: '/items' }, context, 'operations.op')).toBe('https://from-settings.example/api/items');
      expect(operationUrl(doc(undefined), { url: 'items' }, context, 'operations.op')).toBe('https://from-settings.example/api/items');
    });

    it('a URL that does not render to http(s) is a config error on the operation', () => {
      expect(() => operationUrl(doc('{{host}}'), { url: '/items' }, { host: 'crm.example.com' }, 'operations.findContact')).toThrow(/operations\.findContact\.url/);
      expect(() => operationUrl(doc('https://crm.example.com'), { url: 'ftp://x.example/y' }, {}, 'operations.findContact')).toThrow(ConnectorConfigError);
      expect(() => operationUrl(doc('{{nothing}}'), { url: '/items' }, {}, 'operations.findContact')).toThrow(/requestDefaults\.baseUrl: renders empty/);
    });
  });

  it.each([
    [1704877200, '2024-01-10T09:00:00.000Z'],
    [1704877200000, '2024-01-10T09:00:00.000Z'],
    ['1704877200000', '2024-01-10T09:00:00.000Z'],
    [1704877200000000, '2024-01-10T09:00:00.000Z'],
    ['2024-01-10T10:00:00+01:00', '2024-01-10T09:00:00.000Z'],
    ['yesterday', undefined],
    [null, undefined],
  ])('reads the date %j as %s', (value, expected) => {
    expect(isoDate(value)).toBe(expected);
  });
});
