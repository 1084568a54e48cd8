import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AppConnectServer, SCHEMA_CORRECTIONS, startAppConnectServer, verifyJwt } from './index';

describe('App Connect test server', () => {
  let server: AppConnectServer;
  const secret = 'test-secret';

  beforeAll(async () => {
    server = await startAppConnectServer({ jwtSecret: secret });
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  const call = (method: string, path: string, init: { jwt?: string | null; body?: unknown; headers?: Record<string, string> } = {}) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: {
        ...(init.jwt !== null && { Authorization: `Bearer ${init.jwt ?? server.issueJwt()}` }),
        ...(init.body !== undefined && { 'Content-Type': 'application/json' }),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });

  const validLog = { logInfo: { sessionId: '1', direction: 'Inbound', startTime: 1750732200000, duration: 5, from: { phoneNumber: '+16505550101' } }, contactId: 'c-101', rcExtensionId: '62981001' };

  it('keeps the published OpenAPI document unchanged beside it', () => {
    const copy = readFileSync(join(process.cwd(), 'sim/app-connect/crm-server-openapi.json'), 'utf8');
    // sha256 of crm-server-openapi.json as App Connect published it (commit fa94f96c).
    expect(createHash('sha256').update(copy).digest('hex')).toBe('cab1205ab1581087a26584d1b929db36fc7af5fa82d916abfb06c1627b209dfd');
    const doc = JSON.parse(copy) as { info: { title: string }; paths: Record<string, unknown> };
    expect(doc.info.title).toBe('App Connect Connector Server API');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/contact', '/callLog', '/admin/serverLoggingSettings', '/admin/userMapping', '/licenseStatus']));
  });

  it('answers valid requests and records nothing as invalid', async () => {
    const found = await call('GET', '/contact?phoneNumber=%2B16505550101');
    expect(found.status).toBe(200);
    expect(await found.json()).toMatchObject({ successful: true, contact: [{ id: 'c-101', name: 'Jane Customer' }, { id: 'createNewContact', isNewContact: true }] });
    const created = await call('POST', '/callLog', { body: validLog, headers: { 'User-Agent': 'SSCL' } });
    expect(await created.json()).toMatchObject({ successful: true, logId: 1001 });
    expect(server.callLogs()).toEqual([expect.objectContaining({ logId: 1001, isFromSSCL: true, rcExtensionId: '62981001' })]);
    expect(server.validationFailures()).toEqual([]);
  });

  it('refuses an invalid request with 400 and the schema errors, and counts it', async () => {
    const noPhone = await call('GET', '/contact');
    expect(noPhone.status).toBe(400);
    expect(await noPhone.json()).toMatchObject({ error: 'request_validation_failed', errors: [expect.objectContaining({ message: "must have required property 'phoneNumber'" })] });
    const badLink = await call('POST', '/callLog', { body: { ...validLog, logInfo: { ...validLog.logInfo, recording: { link: 'pending' } } } });
    expect(badLink.status).toBe(400);
    const noContact = await call('POST', '/callLog', { body: { logInfo: validLog.logInfo } });
    expect(noContact.status).toBe(400);
    expect(server.validationFailures().map((f) => [f.direction, f.operationId, f.errors[0]!.instancePath])).toEqual([
      ['request', 'getContact', '/query'],
      ['request', 'postCallLog', '/requestBody/logInfo/recording/link'],
      ['request', 'postCallLog', '/requestBody'],
    ]);
    expect(server.callLogs()).toEqual([]);
  });

  it('replaces an answer that does not match the document with a 500 and counts it', async () => {
    // Without SCHEMA_CORRECTIONS the published document says /admin/userMapping answers an object, while App
    // Connect core (and this server) answer an array.
    const strict = await startAppConnectServer({ jwtSecret: secret, schemaCorrections: false });
    try {
      const res = await fetch(`${strict.url}/admin/userMapping`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${strict.issueJwt()}`, 'Content-Type': 'application/json', 'X-RC-Access-Token': 'rc-admin-token' },
        body: JSON.stringify({ rcExtensionList: [] }),
      });
      expect(res.status).toBe(500);
      expect(strict.validationFailures()).toEqual([expect.objectContaining({ direction: 'response', operationId: 'postAdminUserMapping', status: 200 })]);
    } finally {
      await strict.close();
    }
    expect(SCHEMA_CORRECTIONS.map((c) => `${c.method.toUpperCase()} ${c.path}`)).toEqual(['POST /admin/userMapping']);
    const corrected = await call('POST', '/admin/userMapping', { body: { rcExtensionList: [{ id: '62981001', name: 'Ada Mapping', email: 'x@y' }] }, headers: { 'X-RC-Access-Token': 'rc-admin-token' } });
    expect(corrected.status).toBe(200);
    expect(((await corrected.json()) as unknown[])[0]).toEqual({ crmUser: { id: 88101, name: 'Ada Mapping', email: 'ada@example.com' }, rcUser: [{ extensionId: '62981001', name: 'Ada Mapping', extensionNumber: '', email: 'x@y' }] });
  });

  it('does App Connect auth: no or bad JWT is a 400 text answer, licence status says invalid session', async () => {
    const none = await call('GET', '/contact?phoneNumber=%2B16505550101', { jwt: null });
    expect([none.status, await none.text()]).toEqual([400, 'Please go to Settings and authorize CRM platform']);
    const forged = await call('GET', '/admin/serverLoggingSettings', { jwt: 'a.b.c' });
    expect(forged.status).toBe(400);
    const license = await call('GET', '/licenseStatus', { jwt: null });
    expect(await license.json()).toEqual({ isLicenseValid: false, licenseStatus: 'Invalid (Invalid user session)', licenseStatusDescription: '' });
    const expired = await call('GET', '/licenseStatus', { jwt: server.issueJwt({ expiresInSeconds: -1 }) });
    expect(((await expired.json()) as { isLicenseValid: boolean }).isLicenseValid).toBe(false);
    expect(server.validationFailures()).toEqual([]);
  });

  it('rotates a JWT that expires within 7 days, like App Connect', async () => {
    const fresh = await call('GET', '/licenseStatus');
    expect(fresh.headers.get('x-refreshed-jwt-token')).toBeNull();
    const old = await call('GET', '/licenseStatus', { jwt: server.issueJwt({ expiresInSeconds: 6 * 24 * 3600 }) });
    const rotated = old.headers.get('x-refreshed-jwt-token');
    expect(rotated).toBeTruthy();
    expect(verifyJwt(rotated!, secret, Math.floor(Date.now() / 1000))).toMatchObject({ id: 'admin-1', platform: 'testCRM' });
  });

  it('knobs: successful:false, revoked session, 429, forced JWT refresh', async () => {
    server.setKnobs({ successfulFalse: { message: 'Rate limit exceeded', operations: ['postCallLog'], count: 1 } });
    expect(await (await call('POST', '/callLog', { body: validLog })).json()).toMatchObject({ successful: false, returnMessage: { message: 'Rate limit exceeded' } });
    expect(await (await call('POST', '/callLog', { body: validLog })).json()).toMatchObject({ successful: true });

    server.setKnobs({ revokeSession: true });
    const revoked = await call('GET', '/contact?phoneNumber=%2B16505550101');
    expect([revoked.status, ((await revoked.json()) as { errorCode: string }).errorCode]).toEqual([401, 'CRM_SESSION_REVOKED']);
    server.setKnobs({ revokeSession: false, rateLimit: { rejectNext: 1, retryAfterSeconds: 4 }, refreshJwt: true });
    const limited = await call('GET', '/licenseStatus');
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '4']);
    const refreshed = await call('GET', '/licenseStatus');
    expect(refreshed.headers.get('x-refreshed-jwt-token')).toBeTruthy();
    expect(server.knobs().rateLimit).toEqual({ rejectNext: 0, retryAfterSeconds: 4 });
    expect(server.validationFailures()).toEqual([]);
  });

  it('de-duplicates by session and extension, and PATCH finds the log the same way', async () => {
    await call('POST', '/callLog', { body: validLog });
    const again = await (await call('POST', '/callLog', { body: validLog })).json();
    expect(again).toMatchObject({ successful: false, returnMessage: { message: 'Existing log for session 1' } });
    const lookup = await (await call('GET', '/callLog?sessionIds=1,2')).json();
    expect(lookup).toEqual({ successful: true, logs: [{ sessionId: '1', matched: true, logId: '1001' }, { sessionId: '2', matched: false }] });
    const patched = await (await call('PATCH', '/callLog', { body: { sessionId: '1', rcExtensionId: '62981001', note: 'n' } })).json();
    expect(patched).toMatchObject({ successful: true, logId: '1001', updatedNote: 'n' });
    const otherExtension = await (await call('PATCH', '/callLog', { body: { sessionId: '1', rcExtensionId: '999' } })).json();
    expect(otherExtension).toEqual({ successful: false });
    expect(server.validationFailures()).toEqual([]);
  });

  it('answers 404 for routes outside the document and 501 for documented routes it does not simulate', async () => {
    expect((await call('GET', '/nope')).status).toBe(404);
    expect((await call('GET', '/isAlive')).status).toBe(501);
  });
});
