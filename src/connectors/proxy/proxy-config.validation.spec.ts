import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConnectorConfigError } from '../connector-config.error';
import { parseProxyConfig } from './proxy-config.validation';

const load = (file: string): Record<string, any> => JSON.parse(readFileSync(join(process.cwd(), 'src/connectors/proxy', file), 'utf8'));

/** A small valid document; each test breaks one thing in a copy. */
const valid = (): Record<string, any> => ({
  meta: { name: 'crm', displayName: 'CRM', logFormat: 'text/html' },
  auth: { type: 'apiKey', scheme: 'Basic', credentialTemplate: '{{apiKey}}:', encode: 'base64' },
  requestDefaults: { baseUrl: 'https://crm.example.com/api', timeoutSeconds: 10, defaultHeaders: { Accept: 'application/json' } },
  operations: {
    findContact: { url: '/contacts', query: { phone: '{{phoneNumber}}' }, responseMapping: { listPath: 'body.contacts', item: { idPath: 'id' } } },
    createCallLog: { method: 'POST', url: '/activities', body: { subject: '{{subject}}' }, responseMapping: { idPath: 'body.id' } },
    updateCallLog: { method: 'PATCH', url: '/activities/{{thirdPartyLogId}}', body: { body: '{{composedLogDetails}}' } },
  },
});

function refusal(config: unknown): ConnectorConfigError {
  try {
    parseProxyConfig(config);
  } catch (error) {
    if (error instanceof ConnectorConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConnectorConfigError');
}

describe('proxy config validation', () => {
  it("accepts App Connect's sample proxy config unchanged", () => {
    expect(() => parseProxyConfig(load('__fixtures__/proxy-config-sample.json'))).not.toThrow();
  });

  it('accepts the sample CRM proxy config and a minimal document', () => {
    expect(() => parseProxyConfig(load('sample-crm.proxy-config.json'))).not.toThrow();
    expect(() => parseProxyConfig(valid())).not.toThrow();
  });

  it.each<[string, (doc: Record<string, any>) => unknown, string, RegExp]>([
    ['no meta', (d) => delete d.meta, 'meta', /is required/],
    ['a NUL in a header value', (d) => (d.requestDefaults.defaultHeaders.Accept = 'a\u0000b'), 'requestDefaults.defaultHeaders.Accept', /visible ASCII/],
    ['CR LF in a header value', (d) => (d.operations.findContact.headers = { 'X-Key': 'a\r\nInjected: 1' }), 'operations.findContact.headers.X-Key', /visible ASCII/],
    ['an emoji in a header value', (d) => (d.requestDefaults.defaultHeaders['X-Team'] = 'sales 📞'), 'requestDefaults.defaultHeaders.X-Team', /visible ASCII/],
    ['an over-long header value', (d) => (d.requestDefaults.defaultHeaders['X-Long'] = 'x'.repeat(9000)), 'requestDefaults.defaultHeaders.X-Long', /at most 8192/],
    ['CR LF in the auth scheme', (d) => (d.auth.scheme = 'Basic\r\nX: 1'), 'auth.scheme', /visible ASCII/],
    ['no logFormat', (d) => delete d.meta.logFormat, 'meta.logFormat', /is required: one of text\/plain, text\/html, text\/markdown/],
    ['a bad logFormat', (d) => (d.meta.logFormat = 'custom'), 'meta.logFormat', /must be one of text\/plain, text\/html, text\/markdown/],
    ['an unknown phone format', (d) => (d.meta.phoneNumberFormats = ['nationl']), 'meta.phoneNumberFormats', /unknown phone number format "nationl"/],
    ['no operations', (d) => delete d.operations, 'operations', /is required/],
    ['no findContact', (d) => delete d.operations.findContact, 'operations.findContact', /is required/],
    ['no createCallLog', (d) => delete d.operations.createCallLog, 'operations.createCallLog', /is required/],
    ['no updateCallLog', (d) => delete d.operations.updateCallLog, 'operations.updateCallLog', /is required/],
    ['findContact without a mapping', (d) => delete d.operations.findContact.responseMapping, 'operations.findContact.responseMapping', /is required/],
    ['findContact without listPath', (d) => delete d.operations.findContact.responseMapping.listPath, 'operations.findContact.responseMapping.listPath', /is required/],
    ['findContact with an empty listPath', (d) => (d.operations.findContact.responseMapping.listPath = ''), 'operations.findContact.responseMapping.listPath', /is required/],
    ['findContact without item', (d) => delete d.operations.findContact.responseMapping.item, 'operations.findContact.responseMapping.item', /is required/],
    ['findContact without item.idPath', (d) => (d.operations.findContact.responseMapping.item = { namePath: 'name' }), 'operations.findContact.responseMapping.item.idPath', /is required/],
    ['a numeric item path', (d) => (d.operations.findContact.responseMapping.item.namePath = 3), 'operations.findContact.responseMapping.item.namePath', /must be a dot path string/],
    ['a broken item path', (d) => (d.operations.findContact.responseMapping.item.phonePath = 'phones..0'), 'operations.findContact.responseMapping.item.phonePath', /is not a dot path/],
    ['createCallLog without idPath', (d) => (d.operations.createCallLog.responseMapping = {}), 'operations.createCallLog.responseMapping.idPath', /is required/],
    ['createCallLog with a non-string idPath', (d) => (d.operations.createCallLog.responseMapping.idPath = ['body', 'id']), 'operations.createCallLog.responseMapping.idPath', /must be a dot path string/],
    ['createCallLog with a templated idPath', (d) => (d.operations.createCallLog.responseMapping.idPath = 'body.{{x}}'), 'operations.createCallLog.responseMapping.idPath', /templates are not allowed/],
    ['getUserList without listPath', (d) => (d.operations.getUserList = { url: '/users', responseMapping: { idPath: 'id' } }), 'operations.getUserList.responseMapping.listPath', /is required/],
    ['getUserList with a broken emailPath', (d) => (d.operations.getUserList = { url: '/users', responseMapping: { listPath: 'body.users', emailPath: 'a b' } }), 'operations.getUserList.responseMapping.emailPath', /is not a dot path/],
    ['an operation that is not an object', (d) => (d.operations.createCallLog = '/activities'), 'operations.createCallLog', /must be an object/],
    ['an operation without url', (d) => delete d.operations.updateCallLog.url, 'operations.updateCallLog.url', /is required/],
    ['a bad method', (d) => (d.operations.updateCallLog.method = 'FETCH'), 'operations.updateCallLog.method', /must be one of GET, POST, PUT, PATCH, DELETE/],
    ['an unterminated url template', (d) => (d.operations.updateCallLog.url = '/activities/{{thirdPartyLogId'), 'operations.updateCallLog.url', /never closed/],
    ['an unterminated body template deep inside', (d) => (d.operations.createCallLog.body = { linked: [{ id: '{{contactInfo.id' }] }), 'operations.createCallLog.body.linked.0.id', /never closed/],
    ['an unterminated query template', (d) => (d.operations.findContact.query.phone = '{{phoneNumber'), 'operations.findContact.query.phone', /never closed/],
    ['an unterminated header template', (d) => (d.operations.createCallLog.headers = { 'Idempotency-Key': '{{idempotencyKey' }), 'operations.createCallLog.headers.Idempotency-Key', /never closed/],
    ['an expression that is not a dot path', (d) => (d.operations.createCallLog.body.subject = '{{ subject line }}'), 'operations.createCallLog.body.subject', /not a dot path/],
    ['an unterminated template in an operation we do not run', (d) => (d.operations.createMessageLog = { url: '/m', body: { s: '{{message.subject' } }), 'operations.createMessageLog.body.s', /never closed/],
    ['a bad auth type', (d) => (d.auth.type = 'basic'), 'auth.type', /must be "apiKey" or "oauth"/],
    ['a bad auth encoding', (d) => (d.auth.encode = 'hex'), 'auth.encode', /must be "base64" or "none"/],
    ['a bad auth header name', (d) => (d.auth.headerName = 'X Api Key'), 'auth.headerName', /valid HTTP header name/],
    ['an unterminated credential template', (d) => (d.auth.credentialTemplate = '{{apiKey:'), 'auth.credentialTemplate', /never closed/],
    ['a broken operation auth', (d) => (d.operations.createCallLog.auth = { type: 'jwt' }), 'operations.createCallLog.auth.type', /must be "apiKey" or "oauth"/],
    ['a base URL that is not http(s)', (d) => (d.requestDefaults.baseUrl = 'ftp://crm.example.com'), 'requestDefaults.baseUrl', /http or https URL/],
    ['a relative base URL', (d) => (d.requestDefaults.baseUrl = 'crm.example.com/api'), 'requestDefaults.baseUrl', /http or https URL/],
    ['an unterminated base URL template', (d) => (d.requestDefaults.baseUrl = 'https://{{hostname/api'), 'requestDefaults.baseUrl', /never closed/],
    ['a zero timeout', (d) => (d.requestDefaults.timeoutSeconds = 0), 'requestDefaults.timeoutSeconds', /between 0 and 300/],
    ['a timeout given as text', (d) => (d.requestDefaults.timeoutSeconds = '30'), 'requestDefaults.timeoutSeconds', /between 0 and 300/],
    ['an object header value', (d) => (d.requestDefaults.defaultHeaders = { 'X-Secret': { v: 1 } }), 'requestDefaults.defaultHeaders.X-Secret', /must be a string/],
    ['an unterminated default header template', (d) => (d.requestDefaults.defaultHeaders = { 'X-Secret-Key': '{{secretKey}' }), 'requestDefaults.defaultHeaders.X-Secret-Key', /never closed/],
    ['explicit fields that are not a list', (d) => (d.meta.serverSideLogging = { additionalFields: {} }), 'meta.serverSideLogging.additionalFields', /must be a list/],
    ['an explicit field without a title', (d) => (d.meta.serverSideLogging = { additionalFields: [{ const: 'apiKey', type: 'password', required: true }] }), 'meta.serverSideLogging.additionalFields.0.title', /is required/],
  ])('refuses %s, naming %s', (_what, breakIt, path, message) => {
    const doc = valid();
    breakIt(doc);
    const error = refusal(doc);
    expect(error.path).toBe(path);
    expect(error.message).toContain(`${path}: `);
    expect(error.message).toMatch(message);
  });

  it('refuses a document that is not an object', () => {
    for (const config of ['nope', null, [], undefined]) expect(refusal(config).path).toBe('config');
  });

  it('allows empty optional mapping paths (App Connect reads them as the default key) and unknown keys', () => {
    const doc = valid();
    doc.operations.findContact.responseMapping = { type: 'list', listPath: 'body.contacts', item: { idPath: 'id', typePath: '', phonePath: '' } };
    doc.operations.getUserInfo = { url: '/me', responseMapping: { platformAdditionalInfoPaths: { raw: 'body.user' } } };
    doc.secretKey = 'kept';
    expect(() => parseProxyConfig(doc)).not.toThrow();
  });

  it('allows a templated base URL, an empty one, or none', () => {
    const doc = valid();
    doc.requestDefaults.baseUrl = 'https://{{hostname}}/api';
    expect(() => parseProxyConfig(doc)).not.toThrow();
    doc.requestDefaults.baseUrl = '';
    expect(() => parseProxyConfig(doc)).not.toThrow();
    delete doc.requestDefaults;
    expect(() => parseProxyConfig(doc)).not.toThrow();
  });
});
