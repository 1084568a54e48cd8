import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { isStorableText } from '../../src/common/text/storable-text';
import { MAX_ID_LENGTH } from '../../src/ringcentral/types/telephony-notification.parser';
import { MAX_NOTIFICATION_BYTES, WEBHOOK_PATH } from '../../src/subscriptions/webhook-intake';
import { deepJson } from './hostile-admin';

/** The subscription whose notifications are hostile but verified: a real, enabled account's. */
export interface WebhookTarget {
  subscriptionId: string;
  verificationToken: string;
}

/**
 * What the intake must answer (issue 14's acceptance rule, in the order the rule applies):
 * - `not-the-route` 404: any method but POST is not the webhook (the application's router answers);
 * - `too-large` 413: a body above 1 MiB, whoever sends it;
 * - `not-an-envelope` 400: not JSON, not a JSON object, or no non-empty string `subscriptionId` / `uuid`;
 * - `unverified` 401: an envelope naming an unknown subscription, or without / with a wrong Verification-Token;
 * - `accepted` 2xx: an envelope of the known subscription with its token, whatever else the body holds.
 */
export type WebhookClass = 'not-the-route' | 'too-large' | 'not-an-envelope' | 'unverified' | 'accepted';
export const CLASS_STATUS: Record<WebhookClass, number> = { 'not-the-route': 404, 'too-large': 413, 'not-an-envelope': 400, unverified: 401, accepted: 200 };

export interface HostileWebhookRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Raw text; large ones are made when sent, so thousands of generated requests don't hold gigabytes. */
  body?: string | (() => string);
  /** Sent as a stream (chunked, no Content-Length), so the size limit is met while reading. */
  chunked?: boolean;
  expected: WebhookClass;
  /** For `accepted`: the inbox row's uuid (over-long or unstorable uuids are stored as `sha256:<hex>` of themselves). */
  storedUuid?: string;
  /** For a refused request whose uuid no other request has: the uuid that must not be stored (in its stored form). */
  uuid?: string;
  /** For `accepted`: the body holds what PostgreSQL cannot store as is, so its row must end quarantined. */
  mustQuarantine?: boolean;
  /** What was done to it, for failure messages. */
  label: string;
}

type Json = Record<string, unknown>;

let sequence = 0;
/** A uuid no other generated request has (fast-check's own uuids are biased towards a few values). */
const freshUuid = (tag: string) => `hostile-${tag}-${process.pid}-${++sequence}`;
/** A few uuids delivered more than once: duplicates are acknowledged and stored once. */
const DUPLICATE_UUIDS = Array.from({ length: 8 }, (_, i) => `hostile-duplicate-${process.pid}-${i}`);

const UNSTORABLE = ['\u0000', 'a\u0000b', '\ud800', 'x\udc00y', '\udbff'];
const UNKNOWN_CODES = ['Screening', 'Ringing', 'Transferring', 'Queued', 'voicemailscreening', 'DISCONNECTED', '', '\u0000'];
const UNKNOWN_EVENTS = ['/restapi/v1.0/account/~/presence', '/restapi/v1.0/account/~/telephony/sessions/unknown-kind', '', 'x'];
const WRONG_TYPES: unknown[] = [42, -1, 2 ** 53, 1.5, true, false, null, [], ['x'], {}, { a: 1 }, '', 'text'];

/** A notification shaped like RingCentral's telephony-session one; the mutations below break it in every way. */
function notification(target: WebhookTarget, uuid: string, session: string): Json {
  const eventTime = new Date().toISOString();
  return {
    uuid,
    event: '/restapi/v1.0/account/~/extension/~/telephony/sessions',
    timestamp: eventTime,
    subscriptionId: target.subscriptionId,
    ownerId: '62264425004',
    body: {
      sequence: 3,
      sessionId: '9000000001',
      telephonySessionId: session,
      serverId: '10.13.22.27.TAM',
      eventTime,
      origin: { type: 'Call' },
      parties: [{ id: `${session}-p1`, accountId: '1', extensionId: '2', direction: 'Inbound', from: { phoneNumber: '+16505550123' }, to: { phoneNumber: '+16505550100', extensionId: '2' }, status: { code: 'Answered', rcc: false }, missedCall: false }],
    },
  };
}

/** Paths a mutation may reach (the envelope's `uuid` and `subscriptionId` have their own cases). */
const PATHS: (string | number)[][] = [
  ['event'], ['timestamp'], ['ownerId'], ['body'], ['body', 'sequence'], ['body', 'telephonySessionId'], ['body', 'eventTime'],
  ['body', 'parties'], ['body', 'parties', 0], ['body', 'parties', 0, 'id'], ['body', 'parties', 0, 'direction'], ['body', 'parties', 0, 'from'],
  ['body', 'parties', 0, 'to', 'phoneNumber'], ['body', 'parties', 0, 'status'], ['body', 'parties', 0, 'status', 'code'], ['body', 'parties', 0, 'missedCall'],
];

function setPath(root: Json, path: (string | number)[], value: unknown | typeof REMOVE): void {
  let node: unknown = root;
  for (const key of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return;
    node = (node as Record<string | number, unknown>)[key];
  }
  if (node === null || typeof node !== 'object') return;
  const last = path[path.length - 1]!;
  if (value === REMOVE) delete (node as Record<string | number, unknown>)[last];
  else (node as Record<string | number, unknown>)[last] = value;
}
const REMOVE = Symbol('remove');

/**
 * A verified envelope's body, broken in one way: `edit` changes the notification object (its uuid included), `render`
 * writes what JSON.stringify cannot (deep nesting, numbers out of range, a string near 1 MiB). `unstorable` when
 * PostgreSQL cannot hold what the body holds as is (its row must end quarantined).
 */
interface Mutation {
  label: string;
  edit?(n: Json): void;
  render?(n: Json): string;
  unstorable: boolean;
}

const withRaw = (n: Json, raw: string) => JSON.stringify({ ...n, body: '@@' }).replace('"@@"', raw);

const mutation = (): fc.Arbitrary<Mutation> =>
  fc.oneof(
    fc.tuple(fc.constantFrom(...PATHS), fc.constantFrom(...UNSTORABLE)).map(([path, bad]) => ({ label: `unstorable string at ${path.join('.')}`, unstorable: true, edit: (n: Json) => setPath(n, path, `v${bad}`) })),
    fc.constantFrom(...UNSTORABLE).map((bad) => ({ label: 'unstorable key', unstorable: true, edit: (n: Json) => void (n[`k${bad}`] = 1) })),
    fc.constantFrom(...UNSTORABLE).map((bad) => ({ label: 'unstorable uuid', unstorable: true, edit: (n: Json) => void (n.uuid = `${String(n.uuid)}${bad}`) })),
    fc.constant({ label: 'uuid of 10,000 characters', unstorable: true, edit: (n: Json) => void (n.uuid = `${String(n.uuid)}-${'u'.repeat(10_000)}`) }),
    fc.constantFrom(20_000, 501).map((depth) => ({ label: `body nested ${depth} levels`, unstorable: true, render: (n: Json) => withRaw(n, deepJson(depth, depth % 2 ? 'array' : 'object')) })),
    fc.constant({ label: 'number out of range', unstorable: true, render: (n: Json) => withRaw(n, '{"sequence":1e999}') }),
    fc.constantFrom(['body', 'telephonySessionId'], ['body', 'parties', 0, 'id']).map((path) => ({ label: `${path.join('.')} of 4,000 characters`, unstorable: false, edit: (n: Json) => setPath(n, path, 'i'.repeat(4_000)) })),
    fc.constantFrom(...UNKNOWN_CODES).map((code) => ({ label: `status code ${JSON.stringify(code)}`, unstorable: code.includes('\u0000'), edit: (n: Json) => setPath(n, ['body', 'parties', 0, 'status', 'code'], code) })),
    fc.constantFrom(...UNKNOWN_EVENTS).map((event) => ({ label: `event ${event}`, unstorable: false, edit: (n: Json) => Object.assign(n, { event, body: { ...(n.body as Json), newKind: { unknown: true } } }) })),
    fc.tuple(fc.constantFrom(...PATHS), fc.constantFrom(...WRONG_TYPES)).map(([path, value]) => ({ label: `wrong type at ${path.join('.')}`, unstorable: false, edit: (n: Json) => setPath(n, path, value) })),
    fc.constantFrom(...PATHS).map((path) => ({ label: `missing ${path.join('.')}`, unstorable: false, edit: (n: Json) => setPath(n, path, REMOVE) })),
    // Just under the limit: the body is read whole and stored.
    fc.constant({ label: 'string near 1 MiB', unstorable: false, render: (n: Json) => padded(n, MAX_NOTIFICATION_BYTES - 64) }),
    fc.constant({ label: 'nothing wrong, delivered again', unstorable: false }),
  );

/** `n` with a `padding` string making its JSON text exactly `bytes` long. */
function padded(n: Json, bytes: number): string {
  const text = JSON.stringify({ ...n, padding: '' });
  return text.replace('"padding":""', `"padding":"${'x'.repeat(bytes - Buffer.byteLength(text))}"`);
}

/** Bodies that are not a notification envelope at all (400, token or not). */
const NOT_ENVELOPES = (target: WebhookTarget): string[] => {
  const ok = { subscriptionId: target.subscriptionId, uuid: 'not-an-envelope' };
  return [
    '', ' ', 'not json', '{"uuid":', '\u0000', '{"a":"\\ud800"', '[]', '[1,2]', '"x"', '42', 'null', 'true',
    JSON.stringify([ok]),
    JSON.stringify({ uuid: 'no-subscription-id' }),
    JSON.stringify({ subscriptionId: target.subscriptionId }),
    JSON.stringify({ ...ok, subscriptionId: '' }),
    JSON.stringify({ ...ok, subscriptionId: 42 }),
    JSON.stringify({ ...ok, subscriptionId: null }),
    JSON.stringify({ ...ok, subscriptionId: [target.subscriptionId] }),
    JSON.stringify({ ...ok, uuid: '' }),
    JSON.stringify({ ...ok, uuid: 7 }),
    JSON.stringify({ ...ok, uuid: { a: 1 } }),
    deepJson(20_000, 'array'),
    deepJson(20_000, 'object'),
  ];
};

const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', ''];
const PATHS_OF_THE_ROUTE = [WEBHOOK_PATH, `${WEBHOOK_PATH}/`, `${WEBHOOK_PATH}?probe=1`, `${WEBHOOK_PATH}?a=%00`];

/** The sender's credentials: the right token, none, a wrong one (same length or not), or a token for another subscription id. */
type Credentials = { token?: string; subscriptionId?: string; verified: boolean; label: string };
const credentials = (target: WebhookTarget): fc.Arbitrary<Credentials> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant({ token: target.verificationToken, verified: true, label: 'right token' }) },
    { weight: 1, arbitrary: fc.constant({ verified: false, label: 'no token' }) },
    { weight: 1, arbitrary: fc.constantFrom(`${target.verificationToken.slice(0, -1)}x`, 'wrong', 'a'.repeat(300), '\u00e9').map((token) => ({ token, verified: false, label: 'wrong token' })) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('SUB-unknown', target.subscriptionId.toUpperCase(), `${target.subscriptionId} `, `${target.subscriptionId}\u0000`, `${target.subscriptionId}\ud800`, 's'.repeat(10_000)).map((subscriptionId) => ({
        token: target.verificationToken,
        subscriptionId,
        verified: false,
        label: 'unknown subscription',
      })),
    },
  );

function storedUuidOf(uuid: string): string {
  return uuid.length <= MAX_ID_LENGTH && isStorableText(uuid) ? uuid : `sha256:${createHash('sha256').update(uuid, 'utf8').digest('hex')}`;
}

function headersOf(creds: Credentials, contentType: string): Record<string, string> {
  const headers: Record<string, string> = {};
  if (contentType) headers['Content-Type'] = contentType;
  // Header values are bytes on the wire: a non-Latin-1 token goes as its UTF-8 bytes read as Latin-1.
  if (creds.token !== undefined) headers['Verification-Token'] = Buffer.from(creds.token, 'utf8').toString('latin1');
  return headers;
}

/**
 * Hostile webhook requests, each with the answer the acceptance rule requires (see WebhookClass): verified envelopes
 * whose bodies are broken in every way the issues name, the same bodies unverified, bodies that are no envelope,
 * wrong methods and content types, and bodies above 1 MiB (declared or streamed).
 */
export const hostileWebhookRequest = (target: WebhookTarget): fc.Arbitrary<HostileWebhookRequest> => {
  const envelope = fc
    .tuple(credentials(target), mutation(), fc.boolean(), fc.constantFrom(...CONTENT_TYPES), fc.constantFrom(...PATHS_OF_THE_ROUTE))
    .map(([creds, m, duplicate, contentType, path]): HostileWebhookRequest => {
      // A body that must be quarantined gets a uuid of its own: under a duplicate's uuid an earlier, clean copy may be the stored one.
      const uuid = duplicate && !m.unstorable ? DUPLICATE_UUIDS[sequence++ % DUPLICATE_UUIDS.length]! : freshUuid('v');
      const n = notification(target, uuid, `hostile-s${sequence}`);
      if (creds.subscriptionId !== undefined) n.subscriptionId = creds.subscriptionId;
      m.edit?.(n);
      const sentUuid = String(n.uuid);
      const body = m.render ? () => m.render!(n) : JSON.stringify(n);
      const accepted = creds.verified;
      return {
        method: 'POST',
        path,
        headers: headersOf(creds, contentType),
        body,
        expected: accepted ? 'accepted' : 'unverified',
        ...(accepted ? { storedUuid: storedUuidOf(sentUuid), mustQuarantine: m.unstorable } : !DUPLICATE_UUIDS.includes(uuid) && { uuid: storedUuidOf(sentUuid) }),
        label: `${creds.label}, ${m.label}, ${contentType || 'no content type'}`,
      };
    });
  const notEnvelope = fc.tuple(credentials(target), fc.constantFrom(...NOT_ENVELOPES(target)), fc.constantFrom(...CONTENT_TYPES)).map(
    ([creds, body, contentType]): HostileWebhookRequest => ({ method: 'POST', path: WEBHOOK_PATH, headers: headersOf(creds, contentType), body, expected: 'not-an-envelope', label: `${creds.label}, not an envelope: ${body.slice(0, 40)}` }),
  );
  const tooLarge = fc.tuple(credentials(target), fc.integer({ min: 1, max: MAX_NOTIFICATION_BYTES }), fc.boolean()).map(
    ([creds, extra, chunked]): HostileWebhookRequest => {
      const n = notification(target, freshUuid('big'), 'hostile-big');
      const uuid = String(n.uuid);
      const body = () => padded(n, MAX_NOTIFICATION_BYTES + extra);
      return { method: 'POST', path: WEBHOOK_PATH, headers: headersOf(creds, 'application/json'), body, chunked, uuid, expected: 'too-large', label: `${creds.label}, ${MAX_NOTIFICATION_BYTES + extra} bytes${chunked ? ', chunked' : ''}` };
    },
  );
  const wrongMethod = fc.tuple(credentials(target), fc.constantFrom('GET', 'HEAD', 'DELETE', 'PUT', 'PATCH')).map(
    ([creds, method]): HostileWebhookRequest => {
      const uuid = freshUuid('m');
      return {
      method,
      path: WEBHOOK_PATH,
      headers: headersOf(creds, method === 'PUT' || method === 'PATCH' ? 'application/json' : ''),
      ...((method === 'PUT' || method === 'PATCH') && { body: JSON.stringify(notification(target, uuid, 'hostile-m')), uuid }),
      expected: 'not-the-route',
      label: `${creds.label}, ${method}`,
      };
    },
  );
  return fc.oneof({ weight: 24, arbitrary: envelope }, { weight: 6, arbitrary: notEnvelope }, { weight: 1, arbitrary: tooLarge }, { weight: 2, arbitrary: wrongMethod });
};

/** Sends one hostile webhook request; the status, or 0 when the connection failed. */
export async function sendWebhook(baseUrl: string, req: HostileWebhookRequest): Promise<number> {
  try {
    const text = typeof req.body === 'function' ? req.body() : req.body;
    const body = text === undefined ? undefined : req.chunked ? streamOf(text) : text;
    const res = await fetch(`${baseUrl}${req.path}`, { method: req.method, headers: req.headers, body, ...(req.chunked && { duplex: 'half' }) } as RequestInit);
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

function streamOf(text: string): ReadableStream<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, (offset += 64 * 1024)));
    },
  });
}
