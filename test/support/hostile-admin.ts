import fc from 'fast-check';

/** One request as sent on the wire: the body is raw text (so it can be malformed, huge or deeply nested). */
export interface RawRequest {
  method: string;
  path: string;
  body?: string;
  contentType?: string;
}

/** Strings that broke, or could break, a service written in a hurry. */
const NASTY = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00y',
  '2024-W01',
  '20240101T101010Z',
  '2024-13-45T99:99:99Z',
  '2024-02-30T00:00:00Z',
  '-1',
  '1e309',
  'NaN',
  '',
  ' ',
  '../../etc/passwd',
  '{{a.b}}',
  '{{',
  "' OR 1=1 --",
  'http://127.0.0.1/',
  'http://169.254.169.254/latest',
  'a\r\nX-Injected: 1',
  '📞☎️',
  'x'.repeat(5_000),
  'y'.repeat(70_000),
  '62264425004',
  '+16505550101',
];

export const hostileString = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  );

/** Keys the admin routes read, so random bodies reach past "unknown property" into each field's own checks. */
const KEYS = [
  'enabled', 'mode', 'connector', 'id', 'config', 'baseUrl', 'serverUrl', 'jwtToken', 'ownerPolicy', 'adminCrmUserId', 'filters', 'inbound',
  'blockedNumbers', 'contactPolicy', 'noMatch', 'logDetails', 'additionalFieldValues', 'apiKey', 'mappings', 'rcExtensionId', 'crmUserId',
  'jwt', 'manifest', 'endpointUrl', 'userRegisterEndpointUrl', 'supportedLogTypes', 'pluginId', 'position', 'failurePolicy', 'timeoutMs',
  'maxAttempts', 'meta', 'operations', 'requestDefaults', 'defaultHeaders', 'headers', 'url', 'status', 'result', 'note', 'logMode',
];

const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), hostileString()), tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** A JSON text that JSON.stringify cannot make: nested `depth` levels. */
export const deepJson = (depth: number, kind: 'object' | 'array'): string =>
  kind === 'array' ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

const hostileBody = (): fc.Arbitrary<{ body: string; contentType?: string }> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.dictionary(fc.constantFrom(...KEYS), hostileValue, { maxKeys: 4 }).map((v) => ({ body: JSON.stringify(v) })) },
    { weight: 2, arbitrary: hostileValue.map((v) => ({ body: JSON.stringify(v) ?? 'null' })) },
    { weight: 1, arbitrary: fc.constantFrom(5_000, 20_000).chain((d) => fc.constantFrom<'object' | 'array'>('object', 'array').map((k) => ({ body: deepJson(d, k) }))) },
    { weight: 1, arbitrary: fc.constantFrom('{"a":', 'not json', '\u0000', '{"a":"\\ud800"}', '{"a":"\\u0000"}', '[]', '"x"', 'null').map((body) => ({ body })) },
    { weight: 1, arbitrary: fc.constant({ body: JSON.stringify({ a: 'z'.repeat(1_200_000) }) }) },
    { weight: 1, arbitrary: hostileString().map((body) => ({ body, contentType: 'text/plain' })) },
  );

/** Percent-encodes what encodeURIComponent refuses (lone surrogates) as the bytes a client could send anyway. */
export function encodeHostile(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return [...text].map((c) => (/[\ud800-\udfff]/.test(c) ? '%ED%A0%80' : encodeURIComponent(c))).join('');
  }
}

const QUERY_KEYS = ['from', 'to', 'cursor', 'limit', 'status', 'direction', 'rcExtensionId', 'x'];
const hostileQuery = (): fc.Arbitrary<string> =>
  fc
    .array(fc.tuple(fc.constantFrom(...QUERY_KEYS), fc.oneof(hostileString(), fc.constant(Buffer.from(JSON.stringify(['2024-13-45T99:99:99.000000Z', '5b0c1a9e-4f7b-4b43-9b8e-0d6f1f2a3b4c'])).toString('base64url')))), { maxLength: 4 })
    .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${encodeHostile(v)}`).join('&')}` : ''));

/** Any request to any admin route (and the plugin callback), with hostile bodies, queries and path parameters. */
export const hostileAdminRequest = (): fc.Arbitrary<RawRequest> => {
  const id = hostileString().map(encodeHostile);
  const withBody = (method: string, path: fc.Arbitrary<string>) =>
    fc.tuple(path, hostileBody()).map(([p, b]) => ({ method, path: p, body: b.body, contentType: b.contentType }));
  return fc.oneof(
    withBody('PATCH', fc.constant('/admin/settings')),
    withBody('PUT', fc.constant('/admin/server-logging-settings')),
    withBody('PUT', fc.constant('/admin/user-mappings')),
    withBody('POST', fc.constant('/admin/user-mappings/reinitialize')),
    withBody('PUT', fc.constant('/admin/ringcentral/credentials')),
    withBody('POST', fc.constant('/admin/plugins')),
    withBody('PATCH', id.map((i) => `/admin/plugins/${i}`)),
    withBody('POST', id.map((i) => `/plugins/async-callback/${i}`)),
    hostileQuery().map((q) => ({ method: 'GET', path: `/admin/call-logs${q}` })),
    hostileQuery().map((q) => ({ method: 'POST', path: `/admin/call-logs/retry${q}` })),
    id.map((i) => ({ method: 'GET', path: `/admin/call-logs/${i}` })),
    id.map((i) => ({ method: 'POST', path: `/admin/call-logs/${i}/retry` })),
    id.map((i) => ({ method: 'GET', path: `/admin/plugins/${i}/license` })),
    id.map((i) => ({ method: 'DELETE', path: `/admin/plugins/${i}` })),
    fc.constantFrom('/admin/settings', '/admin/server-logging-settings', '/admin/user-mappings', '/admin/plugins', '/admin/subscription').map((path) => ({ method: 'GET', path })),
  );
};

/** Sends one raw request; the status, or 0 when the connection failed. */
export async function send(baseUrl: string, authorization: string | undefined, req: RawRequest): Promise<number> {
  const headers: Record<string, string> = {};
  if (authorization) headers.Authorization = authorization;
  if (req.body !== undefined) headers['Content-Type'] = req.contentType ?? 'application/json';
  try {
    const res = await fetch(`${baseUrl}${req.path}`, { method: req.method, headers, body: req.body });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}
