import { ConnectorError, DEFAULT_RETRY_AFTER_SECONDS, classifyHttpFailure, classifyNetworkFailure, parseRetryAfter } from './connector.error';

const NOW = Date.parse('2025-06-24T10:00:00.000Z');

describe('classifyHttpFailure', () => {
  it.each([
    [429, 'RATE_LIMITED'],
    [401, 'AUTH_REVOKED'],
    [403, 'AUTH_REVOKED'],
    [400, 'VALIDATION'],
    [409, 'VALIDATION'],
    [422, 'VALIDATION'],
    [404, 'NOT_FOUND'],
    [408, 'TEMPORARY'],
    [500, 'TEMPORARY'],
    [502, 'TEMPORARY'],
    [503, 'TEMPORARY'],
    [504, 'TEMPORARY'],
    [418, 'UNKNOWN'],
    [302, 'UNKNOWN'],
  ] as const)('HTTP %i -> %s', (status, code) => {
    const error = classifyHttpFailure('createCallLog', status, {}, '');
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.operation).toBe('createCallLog');
    expect(error.message).toContain(`HTTP ${status}`);
  });

  it('reads Retry-After given in seconds', () => {
    const error = classifyHttpFailure('findContact', 429, new Headers({ 'Retry-After': '7' }), '{"error":"rate_limited"}');
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.retryAfterSeconds).toBe(7);
    expect(error.crmError).toBe('rate_limited');
  });

  it('reads Retry-After given as an HTTP-date, rounding up so the retry is never early', () => {
    const at = new Date(NOW + 90_500).toUTCString(); // HTTP-dates have whole seconds: this is NOW + 90 s
    const error = classifyHttpFailure('findContact', 429, { 'retry-after': at }, '', { nowMs: NOW });
    expect(error.retryAfterSeconds).toBe(90);
    const later = classifyHttpFailure('findContact', 429, { 'Retry-After': 'Tue, 24 Jun 2025 10:02:00 GMT' }, '', { nowMs: NOW + 500 });
    expect(later.retryAfterSeconds).toBe(120);
  });

  it('defaults to 30 s when Retry-After is missing or unreadable', () => {
    expect(DEFAULT_RETRY_AFTER_SECONDS).toBe(30);
    expect(classifyHttpFailure('x', 429, {}, '').retryAfterSeconds).toBe(30);
    expect(classifyHttpFailure('x', 429, { 'Retry-After': 'soon' }, '').retryAfterSeconds).toBe(30);
    expect(classifyHttpFailure('x', 429, { 'Retry-After': '-5' }, '').retryAfterSeconds).toBe(30);
  });

  it('names the CRM error code and field, and the connector, when given', () => {
    const error = classifyHttpFailure('createCallLog', 400, {}, '{"error":"validation_failed","field":"ownerId","message":"no user with id usr_9"}', {
      connectorId: 'sample-crm',
    });
    expect(error.field).toBe('ownerId');
    expect(error.crmError).toBe('validation_failed');
    expect(error.connectorId).toBe('sample-crm');
    expect(error.message).toBe(
      'sample-crm createCallLog: the CRM rejected the request (HTTP 400 validation_failed, field ownerId): no user with id usr_9',
    );
  });

  it('never copies credentials or raw bodies into the message', () => {
    const body = JSON.stringify({
      error: 'unauthorized',
      message: 'bad header Basic c2VjcmV0LWtleTo= and api_key=secret-key-123',
      echo: { apiKey: 'secret-key-123', phone: '+16505550101' },
    });
    const error = classifyHttpFailure('getUserList', 401, {}, body);
    expect(error.message).not.toMatch(/c2VjcmV0LWtleTo=|secret-key-123|6505550101/);
    expect(error.message).toContain('[redacted]');
    const html = classifyHttpFailure('getUserList', 502, {}, '<html>proxy error for token=abc</html>');
    expect(html.message).not.toContain('abc');
  });
});

describe('parseRetryAfter', () => {
  it('handles seconds, fractional seconds, dates in the past and nonsense', () => {
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter(' 12 ', NOW)).toBe(12);
    expect(parseRetryAfter('1.2', NOW)).toBe(2);
    expect(parseRetryAfter(new Date(NOW - 60_000).toUTCString(), NOW)).toBe(0);
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfter('', NOW)).toBeUndefined();
    expect(parseRetryAfter('12abc', NOW)).toBeUndefined();
  });
});

describe('classifyNetworkFailure', () => {
  const fetchFailed = (code: string): TypeError => {
    const cause = Object.assign(new Error(`connect ${code}`), { code });
    return new TypeError('fetch failed', { cause });
  };

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT'])('%s is TEMPORARY', (code) => {
    const error = classifyNetworkFailure('findContact', fetchFailed(code));
    expect(error.code).toBe('TEMPORARY');
    expect(error.message).toContain(code);
    expect(error.status).toBeUndefined();
  });

  it('treats timeouts and aborts as TEMPORARY', () => {
    expect(classifyNetworkFailure('x', new DOMException('The operation was aborted due to timeout', 'TimeoutError')).code).toBe('TEMPORARY');
    expect(classifyNetworkFailure('x', new DOMException('This operation was aborted', 'AbortError')).code).toBe('TEMPORARY');
    expect(classifyNetworkFailure('x', new DOMException('t', 'TimeoutError')).message).toContain('did not answer in time');
  });

  it('treats any fetch transport failure as TEMPORARY, and anything else as UNKNOWN', () => {
    expect(classifyNetworkFailure('x', new TypeError('fetch failed')).code).toBe('TEMPORARY');
    expect(classifyNetworkFailure('x', new RangeError('bad')).code).toBe('UNKNOWN');
    expect(classifyNetworkFailure('x', 'a string').code).toBe('UNKNOWN');
  });

  it('passes a ConnectorError through unchanged', () => {
    const original = new ConnectorError('NOT_FOUND', 'gone', { operation: 'updateCallLog', status: 404 });
    expect(classifyNetworkFailure('other', original)).toBe(original);
  });
});
